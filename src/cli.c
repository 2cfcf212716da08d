#include "covengine.h"
#include <stdio.h>
int main(void) { puts(cov_version()); return 0; }
