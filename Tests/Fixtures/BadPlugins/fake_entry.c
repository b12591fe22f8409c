/*
 * Test fixture: a C "plugin" whose channelkit_plugin_entry describes a build the gateway must refuse.
 * scripts/build-fixtures.sh compiles it with -DFIXTURE_DESCRIPTION='"channelkit-entry=1;api=...;swift=..."':
 *   libOldChannelKit.so  api=0.9  swift=6.3.1
 *   libWrongCompiler.so  api=1.0  swift=5.10
 * Request 0 returns a malloc'd copy of the description; every other request returns NULL (the gateway must
 * never get that far).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef FIXTURE_DESCRIPTION
#error "define FIXTURE_DESCRIPTION"
#endif

void *channelkit_plugin_entry(int32_t request);

void *channelkit_plugin_entry(int32_t request) {
    if (request == 0) {
        return strdup(FIXTURE_DESCRIPTION);
    }
    return NULL;
}
