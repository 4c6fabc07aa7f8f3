# vcpkg port of sio, built from the checkout this file belongs to (an overlay port):
#   vcpkg install sio --overlay-ports=<checkout>/packaging/vcpkg/ports
# A port in a registry fetches a release instead of using the checkout:
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/sio REF "v${VERSION}" SHA512 <sha512> HEAD_REF main)
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)

# The tls feature builds sio::tls (and needs OpenSSL), the redis feature sio::redis (and needs
# hiredis); without them, sio never looks for either.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        tls SIO_TLS
        redis SIO_REDIS
)

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DSIO_BUILD_TESTS=OFF
        -DSIO_BUILD_EXAMPLES=OFF
        -DSIO_BUILD_BENCH=OFF
        -DSIO_BUILD_DOCS=OFF
        -DSIO_INSTALL=ON
        -DSIO_INSTALL_CMAKEDIR=share/${PORT}
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/${PORT})
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug/include"
    "${CURRENT_PACKAGES_DIR}/debug/share"
    "${CURRENT_PACKAGES_DIR}/share/doc"
)

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
