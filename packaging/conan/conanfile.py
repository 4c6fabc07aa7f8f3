import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


class SioConan(ConanFile):
    """Conan 2 recipe of sio, built from this checkout (`conan create packaging/conan`)."""

    name = "sio"
    description = "Socket.IO v4 server for C++: serves the official JavaScript client from C++ programs"
    license = "MIT"
    topics = ("socket.io", "engine.io", "websocket", "asio", "server")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        # sio::tls: HTTPS and WSS on the websocketpp transport, with OpenSSL.
        "tls": [True, False],
        # sio::redis: the Redis adapter, with hiredis.
        "redis": [True, False],
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "tls": False,
        "redis": False,
        # sio runs websocketpp on standalone Asio, without permessage-deflate; sio::tls brings
        # OpenSSL itself (below), as websocketpp needs only its headers.
        "websocketpp/*:asio": "standalone",
        "websocketpp/*:with_openssl": False,
        "websocketpp/*:with_zlib": False,
    }

    @property
    def _source_root(self):
        return os.path.join(self.recipe_folder, "..", "..")

    def set_version(self):
        # The version is the one CMakeLists.txt declares, so the two never disagree.
        cmakelists = load(self, os.path.join(self._source_root, "CMakeLists.txt"))
        self.version = re.search(r"project\(sio VERSION ([0-9.]+)", cmakelists).group(1)

    def export_sources(self):
        # What a build of the library alone reads (tests, examples and benchmarks are off).
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*"):
            copy(self, pattern, src=self._source_root, dst=self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # The public headers include Asio and RapidJSON; websocketpp stays inside the library.
        # Asio is the version websocketpp's recipe asks for, so that the graph has one Asio.
        self.requires("asio/1.28.1", transitive_headers=True)
        self.requires("rapidjson/cci.20230929", transitive_headers=True)
        self.requires("websocketpp/0.8.2")
        if self.options.tls:
            # sio/transport/websocketpp_tls.hpp includes Asio's SSL context, hence OpenSSL's headers.
            self.requires("openssl/[>=3 <4]", transitive_headers=True)
        if self.options.redis:
            # Private to libsio-redis: no public header includes hiredis.
            self.requires("hiredis/[>=1.0 <2]")

    def validate(self):
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, 17)
        if self.settings.os not in ("Linux", "FreeBSD"):
            # Random bytes come from getrandom(); the transport is tested on Linux only.
            raise ConanInvalidConfiguration(f"{self.ref} supports Linux and FreeBSD only")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["SIO_BUILD_TESTS"] = False
        tc.cache_variables["SIO_BUILD_EXAMPLES"] = False
        tc.cache_variables["SIO_BUILD_BENCH"] = False
        tc.cache_variables["SIO_BUILD_DOCS"] = False
        tc.cache_variables["SIO_INSTALL"] = True
        tc.cache_variables["SIO_TLS"] = bool(self.options.tls)
        tc.cache_variables["SIO_REDIS"] = bool(self.options.redis)
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Conan generates the consumers' CMake and pkg-config files from package_info().
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "sio")
        self.cpp_info.set_property("cmake_target_name", "sio::sio")

        core = self.cpp_info.components["sio"]
        core.set_property("cmake_target_name", "sio::sio")
        core.set_property("pkg_config_name", "sio")
        core.libs = ["sio"]
        core.defines = ["ASIO_STANDALONE", "RAPIDJSON_HAS_STDSTRING=1"]
        core.requires = ["asio::asio", "rapidjson::rapidjson", "websocketpp::websocketpp"]
        if self.settings.os in ("Linux", "FreeBSD"):
            core.system_libs = ["pthread"]

        if self.options.tls:
            tls = self.cpp_info.components["tls"]
            tls.set_property("cmake_target_name", "sio::tls")
            tls.set_property("pkg_config_name", "sio-tls")
            tls.libs = ["sio-tls"]
            tls.requires = ["sio", "openssl::ssl", "openssl::crypto"]

        if self.options.redis:
            redis = self.cpp_info.components["redis"]
            redis.set_property("cmake_target_name", "sio::redis")
            redis.set_property("pkg_config_name", "sio-redis")
            redis.libs = ["sio-redis"]
            redis.requires = ["sio", "hiredis::hiredis"]
