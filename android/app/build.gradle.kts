// The Compose app. Besides the usual Android build it runs two Rust steps from the repository
// root (never by hand): cargoNdk builds sachxanh-ffi for the phone ABIs into build/rust/jniLibs,
// uniffiBindings generates the Android flavour of the Kotlin bindings into build/generated.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot: File = rootDir.parentFile
val rustAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val rustProfile = providers.gradleProperty("sachxanh.rustProfile").getOrElse("release")
val jniLibsOut = layout.buildDirectory.dir("rust/jniLibs")
val bindingsOut = layout.buildDirectory.dir("generated/uniffi/kotlin")
val referenceOut = layout.buildDirectory.dir("generated/reference-assets")
val minSdkVersion = 26

android {
    namespace = "vn.sachxanh.app"
    compileSdk = 35
    // The NDK cargo-ndk links against (Android Studio installs it on first sync).
    ndkVersion = "27.2.12479018"

    defaultConfig {
        applicationId = "vn.sachxanh.app"
        minSdk = minSdkVersion
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // Only the ABIs the Rust core is built for.
        ndk { abiFilters += rustAbis }
    }

    buildTypes {
        debug {
            buildConfigField("String", "SERVER_URL", "\"${providers.gradleProperty("sachxanh.serverUrl.debug").get()}\"")
        }
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
            buildConfigField("String", "SERVER_URL", "\"${providers.gradleProperty("sachxanh.serverUrl.release").get()}\"")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    sourceSets["main"].apply {
        java.srcDir(bindingsOut)
        jniLibs.srcDir(jniLibsOut)
        assets.srcDir(referenceOut)
    }
}

kotlin {
    jvmToolchain(17)
}

/** Builds the core for the phones: cargo-ndk, from the workspace root, one .so per ABI. */
val cargoNdk by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds sachxanh-ffi for ${rustAbis.joinToString()} with cargo-ndk"
    workingDir = repoRoot
    inputs.files(fileTree(repoRoot.resolve("core/src")), fileTree(repoRoot.resolve("bindings/src")))
    inputs.files(repoRoot.resolve("Cargo.lock"), repoRoot.resolve("core/Cargo.toml"), repoRoot.resolve("bindings/Cargo.toml"))
    inputs.property("profile", rustProfile)
    outputs.dir(jniLibsOut)
    // Resolved when the task runs, so configuring the project never needs the NDK.
    val ndk = providers.provider { android.ndkDirectory.absolutePath }
    doFirst { environment("ANDROID_NDK_HOME", ndk.get()) }
    commandLine(
        buildList {
            addAll(listOf("cargo", "ndk", "--platform", "$minSdkVersion", "-o", jniLibsOut.get().asFile.path))
            rustAbis.forEach { addAll(listOf("-t", it)) }
            addAll(listOf("build", "--locked", "-p", "sachxanh-ffi"))
            if (rustProfile == "release") add("--release")
        },
    )
}

/**
 * The Android flavour of the Kotlin bindings, read from the library just built (--library), at
 * the exact uniffi version the library was built with (the uniffi-bindgen bin of sachxanh-ffi).
 */
val uniffiBindings by tasks.registering(Exec::class) {
    group = "rust"
    description = "Generates the Android Kotlin bindings of sachxanh-ffi"
    dependsOn(cargoNdk)
    workingDir = repoRoot
    val library = jniLibsOut.map { it.file("arm64-v8a/libsachxanh_ffi.so") }
    val config = rootDir.resolve("uniffi-android.toml")
    inputs.file(library)
    inputs.file(config)
    outputs.dir(bindingsOut)
    commandLine(
        "cargo", "run", "--locked", "-q", "-p", "sachxanh-ffi", "--bin", "uniffi-bindgen", "--",
        "generate", "--library", library.get().asFile.path, "--language", "kotlin",
        "--config", config.path, "--no-format", "--out-dir", bindingsOut.get().asFile.path,
    )
}

/** The communes and areas the core validates against, also drawn by the cleanup map. */
val referenceAssets by tasks.registering(Copy::class) {
    from(repoRoot.resolve("core/data/demo-commune.geojson"))
    rename { "reference.geojson" }
    into(referenceOut)
}

tasks.named("preBuild") {
    dependsOn(uniffiBindings, referenceAssets)
}

dependencies {
    implementation(project(":state"))
    // JNA with its Android native parts (libjnidispatch.so per ABI): the aar, not the jar.
    implementation(libs.jna) { artifact { type = "aar" } }
    implementation(libs.androidx.annotation)
    implementation(libs.kotlinx.coroutines.android)
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.work.runtime.ktx)
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.ui.tooling.preview)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons.core)
    // QR scanning without Google Play services (ZXing, camera permission handled by the library).
    implementation(libs.zxing.android.embedded)
    debugImplementation(libs.androidx.compose.ui.tooling)
}
