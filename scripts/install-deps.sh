#!/usr/bin/env bash
# Installs what building, running and testing this package needs on a Debian machine that has the Swift
# toolchain: a few Debian packages, and with --test a Python venv in .build/venv with schemathesis and
# openapi-spec-validator.
# Idempotent: when everything is there it changes nothing and returns in well under a second.
#
#   scripts/install-deps.sh          Debian packages only
#   scripts/install-deps.sh --test   also .build/venv with schemathesis and openapi-spec-validator (used by `make test`)
#
# Environment: PYTHON (interpreter for the venv, default python3), SCHEMATHESIS_VERSION (default below).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

with_test=false
for arg in "$@"; do
    case "$arg" in
        --test) with_test=true ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-deps: unknown argument '$arg' (try --help)" >&2; exit 64 ;;
    esac
done

# Headers and libraries Foundation, AsyncHTTPClient and GRDB link against; python3-venv for the test venv;
# make and curl for `make run` and its ready-to-paste pay command; bsdutils for script(1), which gives gatewayctl a
# terminal in the test of its progress bars (essential on Debian, listed so that a slim image gets it too).
# zlib1g-dev for the Minbei channel's gzip statements (the CZlib system library: zlib.h and libz).
packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev zlib1g-dev python3-venv make curl bsdutils)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "install-deps: missing Debian packages ${missing[*]}; run this script as root or install sudo" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if $with_test; then
    venv=.build/venv
    version=${SCHEMATHESIS_VERSION:-4.32.5}
    python=${PYTHON:-python3}
    if [[ ! -x $venv/bin/python ]]; then
        echo "install-deps: creating $venv" >&2
        mkdir -p .build
        "$python" -m venv "$venv"
    fi
    if ! compgen -G "$venv/lib/python3*/site-packages/schemathesis-$version.dist-info" >/dev/null; then
        echo "install-deps: installing schemathesis $version into $venv" >&2
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "schemathesis==$version"
    fi
    # A standard OpenAPI validator for docs/*openapi.yaml (OpenAPIDocumentTests runs it).
    validator=${OPENAPI_SPEC_VALIDATOR_VERSION:-0.7.2}
    if ! compgen -G "$venv/lib/python3*/site-packages/openapi_spec_validator-$validator.dist-info" >/dev/null; then
        echo "install-deps: installing openapi-spec-validator $validator into $venv" >&2
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "openapi-spec-validator==$validator"
    fi
fi
