// The Android app of sạch xanh: the state layer (plain Kotlin, shared names with ios/) and the
// Compose app. The Rust core is built by :app's cargoNdk task from ../bindings (sachxanh-ffi).
pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "sachxanh-android"
include(":state", ":app")
