/*
 * Test fixture: a C "plugin" whose channelkit_plugin_entry describes a build the gateway must refuse.
 * scripts/build-fixtures.sh compiles it with -DFIXTURE_DESCRIPTION='"channelkit-entry=1;api=...;swift=..."':
 *   libOldChannelKit.so  api=1.0  swift=6.3.1   (a ChannelKit 1.x build, refused by a 2.x gateway)
 *   libWrongCompiler.so  api=2.0  swift=5.10
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
