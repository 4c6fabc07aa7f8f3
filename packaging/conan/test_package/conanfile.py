import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout


class TestPackageConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "VirtualRunEnv"
    test_type = "explicit"

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        self.requires(self.tested_reference_str)

    @property
    def _with_tls(self):
        return bool(self.dependencies["sio"].options.tls)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["SIO_TEST_TLS"] = self._with_tls
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            programs = ["test_package"] + (["test_package_tls"] if self._with_tls else [])
            for program in programs:
                self.run(os.path.join(self.cpp.build.bindirs[0], program), env="conanrun")
