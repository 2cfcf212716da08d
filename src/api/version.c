#include "covengine.h"

const char *cov_version(void)
{
    return COV_VERSION_STRING;
}
