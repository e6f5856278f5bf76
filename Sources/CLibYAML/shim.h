#ifndef CLIBYAML_SHIM_H
#define CLIBYAML_SHIM_H

// Exposes the system libyaml (Debian/Ubuntu: libyaml-dev) to Swift.
#include <yaml.h>

#endif
