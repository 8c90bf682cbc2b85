package vn.sachxanh.app.ui

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.sp

/**
 * The app's colours, every one set (none left to the library's defaults): people read the phone
 * in bright sun, so every text colour has a contrast of at least 4.5:1 against the background
 * it is drawn on (android/ui-jvm's ContrastTest computes it).
 */
val SachxanhColors: ColorScheme = lightColorScheme(
    primary = Color(0xFF276C2B),
    onPrimary = Color.White,
    primaryContainer = Color(0xFFB9F6CA),
    onPrimaryContainer = Color(0xFF002106),
    inversePrimary = Color(0xFF9CD69C),
    secondary = Color(0xFF00695C),
    onSecondary = Color.White,
    secondaryContainer = Color(0xFFCCE8E2),
    onSecondaryContainer = Color(0xFF00201C),
    tertiary = Color(0xFF8A4F00),
    onTertiary = Color.White,
    tertiaryContainer = Color(0xFFFFDCBE),
    onTertiaryContainer = Color(0xFF2C1600),
    error = Color(0xFFB3261E),
    onError = Color.White,
    errorContainer = Color(0xFFF9DEDC),
    onErrorContainer = Color(0xFF410E0B),
    background = Color(0xFFFAFDF7),
    onBackground = Color(0xFF1A1C19),
    surface = Color(0xFFFAFDF7),
    onSurface = Color(0xFF1A1C19),
    surfaceVariant = Color(0xFFDEE5D8),
    onSurfaceVariant = Color(0xFF3F473D),
    surfaceTint = Color(0xFF276C2B),
    inverseSurface = Color(0xFF2F312D),
    inverseOnSurface = Color(0xFFF0F1EB),
    outline = Color(0xFF6F786C),
    outlineVariant = Color(0xFFC2C9BD),
    scrim = Color.Black,
    surfaceBright = Color(0xFFFAFDF7),
    surfaceDim = Color(0xFFDADDD6),
    surfaceContainerLowest = Color.White,
    surfaceContainerLow = Color(0xFFF4F7F0),
    surfaceContainer = Color(0xFFEEF2EA),
    surfaceContainerHigh = Color(0xFFE8ECE4),
    surfaceContainerHighest = Color(0xFFE2E6DF),
)

/**
 * Many volunteers are older: body text a step larger than the default. [family] is the
 * platform's font (Roboto on Android; the harness bundles the same).
 */
fun sachxanhTypography(family: FontFamily = FontFamily.Default): Typography {
    val t = Typography()
    fun TextStyle.f() = copy(fontFamily = family)
    return Typography(
        displayLarge = t.displayLarge.f(),
        displayMedium = t.displayMedium.f(),
        displaySmall = t.displaySmall.f(),
        headlineLarge = t.headlineLarge.f(),
        headlineMedium = t.headlineMedium.f(),
        headlineSmall = t.headlineSmall.f(),
        titleLarge = t.titleLarge.f(),
        titleMedium = t.titleMedium.f(),
        titleSmall = t.titleSmall.f(),
        bodyLarge = t.bodyLarge.copy(fontSize = 18.sp, lineHeight = 26.sp).f(),
        bodyMedium = t.bodyMedium.copy(fontSize = 16.sp, lineHeight = 22.sp).f(),
        bodySmall = t.bodySmall.copy(fontSize = 14.sp, lineHeight = 20.sp).f(),
        labelLarge = t.labelLarge.f(),
        labelMedium = t.labelMedium.f(),
        labelSmall = t.labelSmall.f(),
    )
}

@Composable
fun SachxanhTheme(family: FontFamily = FontFamily.Default, content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = SachxanhColors, typography = sachxanhTypography(family), content = content)
}
