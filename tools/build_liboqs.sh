#!/usr/bin/env bash
# Build liboqs (ML-KEM + ML-DSA only) into <python prefix>/liboqs, where pqfl_kit looks for it.
#
# Used by `make liboqs`, `make test` and Binder's postBuild, so all three get the same library.
# Source, in this order:
#   1. $LIBOQS_SOURCE, a liboqs source tarball (for offline builds);
#   2. ../shared/vendor/liboqs-$VERSION-src.tar.gz beside the checkout, when it exists (checked
#      against its sha256);
#   3. git tag $VERSION from GitHub (what a user with internet and Binder get).
# Environment: PYTHON (default python3: its sys.prefix decides the install folder),
# PQFL_LIBOQS_PREFIX (install folder; default <python prefix>/liboqs). Never touches ~.
# Re-running is free once the stamp file says this version is installed.
set -euo pipefail

VERSION=0.16.0
VENDOR_SHA256=43c358dd959e52f4d60a85e6f3f6f017a05590a8aebbc76a60579145bbd1bae8
ALGORITHMS="KEM_ml_kem_512;KEM_ml_kem_768;KEM_ml_kem_1024;SIG_ml_dsa_44;SIG_ml_dsa_65;SIG_ml_dsa_87"

here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
prefix=${PQFL_LIBOQS_PREFIX:-$("$python" -c 'import sys; print(sys.prefix)')/liboqs}
stamp="$prefix/.pqfl-liboqs-$VERSION"

if [ -f "$stamp" ]; then
  echo "liboqs $VERSION is already installed in $prefix"
  exit 0
fi
for tool in cmake cc; do
  command -v "$tool" >/dev/null || { echo "build_liboqs: '$tool' is missing (Debian: apt-get install cmake ninja-build gcc; macOS: xcode-select --install; brew install cmake ninja)" >&2; exit 1; }
done
generator=(); command -v ninja >/dev/null && generator=(-G Ninja)
cores=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vendored="$here/../shared/vendor/liboqs-$VERSION-src.tar.gz"
if [ -n "${LIBOQS_SOURCE:-}" ]; then
  echo "liboqs $VERSION: source $LIBOQS_SOURCE"
  tar -xzf "$LIBOQS_SOURCE" -C "$work"
elif [ -f "$vendored" ]; then
  echo "liboqs $VERSION: vendored source ../shared/vendor"
  [ "$(sha256 "$vendored")" = "$VENDOR_SHA256" ] || { echo "build_liboqs: $vendored has the wrong sha256" >&2; exit 1; }
  tar -xzf "$vendored" -C "$work"
else
  echo "liboqs $VERSION: cloning tag $VERSION from GitHub"
  git clone --quiet --depth 1 --branch "$VERSION" https://github.com/open-quantum-safe/liboqs "$work/liboqs-$VERSION"
fi
cmakelists=$(find "$work" -maxdepth 2 -name CMakeLists.txt | head -1)
[ -n "$cmakelists" ] || { echo "build_liboqs: no CMakeLists.txt in the liboqs source" >&2; exit 1; }
src=$(dirname "$cmakelists")

# OQS_DIST_BUILD (the default) keeps the portable code and picks AVX2/NEON at run time, so the
# library also runs on a different CPU than the one that built it (Binder images move).
# OQS_USE_OPENSSL=OFF: liboqs's own SHA-3/AES, no dependency on the system's OpenSSL headers.
cmake -S "$src" -B "$work/build" ${generator[@]+"${generator[@]}"} -Wno-dev \
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DOQS_BUILD_ONLY_LIB=ON -DOQS_USE_OPENSSL=OFF \
  -DOQS_MINIMAL_BUILD="$ALGORITHMS" -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" \
  || { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" --parallel "$cores" >"$work/build.log" \
  || { tail -40 "$work/build.log" >&2; exit 1; }
cmake --install "$work/build" >/dev/null
touch "$stamp"
echo "liboqs $VERSION installed in $prefix"
