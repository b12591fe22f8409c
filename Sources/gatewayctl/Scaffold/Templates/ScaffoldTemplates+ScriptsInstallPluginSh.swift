extension ScaffoldTemplates {
    /// `scripts/install-plugin.sh` of a generated package.
    static let scriptsInstallPluginSh = ScaffoldFile(
        "scripts/install-plugin.sh", executable: true,
        #"""
#!/usr/bin/env bash
# Builds the plugin (lib{{Module}}.so) and installs it.
#
#   scripts/install-plugin.sh [--debug] [--scratch-path DIR] [--plugins-dir DIR] [--gatewayctl]
#
#   (no option)        build only, and print the .so's path
#   --plugins-dir DIR  copy it into a gateway's plugins directory as lib{{Module}}-<version>.so (a temporary
#                      name, then a rename; an existing file of that name is never overwritten: raise the
#                      version in {{Module}}Plugin.swift for a new build). A running gateway loads it on
#                      `gatewayctl plugins rescan` or at its next start.
#   --gatewayctl       hand it to the running gateway with `gatewayctl plugins install` (loaded at once, no
#                      restart; GATEWAY_ADMIN_URL and GATEWAY_ADMIN_TOKEN_FILE say which gateway)
#   --debug            a debug build instead of release
#   --scratch-path DIR build in DIR instead of .build
#
# Build with the same Swift compiler as the gateway (the gateway refuses any other: compiler_mismatch), against
# the ChannelKit of the gateway's checkout (Package.swift, CHANNELKIT_PATH). Only lib{{Module}}.so is
# installed: never copy the build's libChannelKit.so into the plugins directory, the gateway's own copy is the
# one every plugin must use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

configuration=release
scratch=()
plugins_dir=
hot=false
while (($#)); do
    case $1 in
        --debug) configuration=debug ;;
        --scratch-path) scratch=(--scratch-path "${2:?--scratch-path needs a directory}"); shift ;;
        --plugins-dir) plugins_dir=${2:?--plugins-dir needs a directory}; shift ;;
        --gatewayctl) hot=true ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "install-plugin: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

swift=${SWIFT:-swift}
echo "install-plugin: $("$swift" --version 2>/dev/null | head -n 1)" >&2
"$swift" build -c "$configuration" "${scratch[@]}" --product {{Module}} >&2
built="$("$swift" build -c "$configuration" "${scratch[@]}" --show-bin-path)/lib{{Module}}.so"
[[ -f $built ]] || { echo "install-plugin: $built was not built" >&2; exit 1; }

version=$(sed -nE 's/.*version: "([^"]+)".*/\1/p' Sources/{{Module}}/{{Module}}Plugin.swift | head -n 1)
[[ -n $version ]] || { echo "install-plugin: no version in Sources/{{Module}}/{{Module}}Plugin.swift" >&2; exit 1; }

if [[ -n $plugins_dir ]]; then
    mkdir -p "$plugins_dir"
    target="$plugins_dir/lib{{Module}}-$version.so"
    if [[ -e $target ]]; then
        if cmp -s "$built" "$target"; then
            echo "install-plugin: $target is already this build" >&2
        else
            echo "install-plugin: $target exists and differs; a loaded plugin is never overwritten: raise the version" >&2
            exit 1
        fi
    else
        tmp="$plugins_dir/.lib{{Module}}-$version.so.tmp.$$"
        cp "$built" "$tmp"
        mv "$tmp" "$target"
        echo "install-plugin: installed $target" >&2
    fi
fi
if [[ $hot == true ]]; then
    gatewayctl=${GATEWAYCTL:-gatewayctl}
    "$gatewayctl" plugins install "$built"
fi
echo "$built"
"""#)
}
