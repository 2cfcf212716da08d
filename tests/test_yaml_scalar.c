/* YAML 1.1 implicit typing, checked against what PyYAML's SafeLoader gives
 * (the values in comments were read with python3-yaml 6.0). */
#include "formats/yaml_scalar.h"
#include "unit.h"

#include <math.h>
#include <string.h>

static int kind(const char *s, cov_yaml_value *v)
{
    return cov_yaml_resolve(s, strlen(s), v);
}

static void test_null_and_bool(void)
{
    cov_yaml_value v;
    const char *nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(kind(nulls[i], &v), COV_YAML_NULL);
    const char *trues[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    for (size_t i = 0; i < 9; i++) {
        CHECK_INT(kind(trues[i], &v), COV_YAML_BOOL);
        CHECK_INT(v.boolean, 1);
    }
    CHECK_INT(kind("off", &v), COV_YAML_BOOL);
    CHECK_INT(v.boolean, 0);
    CHECK_INT(kind("nULL", &v), COV_YAML_STR); /* mixed case is a string */
    CHECK_INT(kind("tRue", &v), COV_YAML_STR);
    CHECK_INT(kind("y", &v), COV_YAML_STR); /* PyYAML: 'y' stays a string */
}

static void test_ints(void)
{
    cov_yaml_value v;
    struct {
        const char *s;
        long long want;
    } cases[] = {{"0", 0},
                 {"42", 42},
                 {"-17", -17},
                 {"+5", 5},
                 {"1_000", 1000},
                 {"0x1F", 31},
                 {"0b101", 5},
                 {"017", 15},
                 {"1:30", 90},
                 {"-1:0:0", -3600},
                 {"9223372036854775807", 9223372036854775807LL}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!CHECK_INT(kind(cases[i].s, &v), COV_YAML_INT))
            continue;
        CHECK_INT(v.integer, cases[i].want);
    }
    /* Not ints in YAML 1.1 */
    CHECK_INT(kind("09", &v), COV_YAML_STR);
    CHECK_INT(kind("0o17", &v), COV_YAML_STR);
    CHECK_INT(kind("1:60", &v), COV_YAML_STR);
    CHECK_INT(kind("12abc", &v), COV_YAML_STR);
    CHECK_INT(kind("99999999999999999999", &v), COV_YAML_FLOAT); /* too big: approximate */
}

static void test_floats(void)
{
    cov_yaml_value v;
    struct {
        const char *s;
        double want;
    } cases[] = {{"0.98", 0.98},  {"-1.5", -1.5},   {"1.", 1.0},      {".5", 0.5},
                 {"1_0.5", 10.5}, {"6.8e+3", 6800}, {"1.0e-2", 0.01}, {"1:30.5", 90.5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!CHECK_INT(kind(cases[i].s, &v), COV_YAML_FLOAT))
            continue;
        CHECK(fabs(v.number - cases[i].want) < 1e-12);
    }
    CHECK_INT(kind(".inf", &v), COV_YAML_FLOAT);
    CHECK(isinf(v.number) && v.number > 0);
    CHECK_INT(kind("-.Inf", &v), COV_YAML_FLOAT);
    CHECK(isinf(v.number) && v.number < 0);
    CHECK_INT(kind(".NaN", &v), COV_YAML_FLOAT);
    CHECK(isnan(v.number));
    /* PyYAML quirks: an exponent needs a dot and a sign. */
    CHECK_INT(kind("1e3", &v), COV_YAML_STR);
    CHECK_INT(kind("1.0e3", &v), COV_YAML_STR);
    CHECK_INT(kind("1.2.3", &v), COV_YAML_STR);
    CHECK_INT(kind(".", &v), COV_YAML_STR);
}

int main(void)
{
    static const unit_case cases[] = {
        {"null and bool", test_null_and_bool},
        {"ints", test_ints},
        {"floats", test_floats},
        {0, 0},
    };
    return unit_run(cases);
}
