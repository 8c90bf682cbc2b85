package vn.sachxanh.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.unit.dp
import androidx.compose.ui.graphics.luminance
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicNode
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import vn.sachxanh.app.ui.SachxanhColors

/**
 * Over the semantics tree of every screen in every state: each element a person can tap says
 * what it is to a screen reader, and is at least 48×48 dp. And the theme's text colours are
 * readable on their backgrounds (WCAG contrast of 4.5:1 or more).
 */
class AccessibilityTest {
    @TestFactory
    fun `every clickable element has a spoken label and a 48 dp touch target`(): List<DynamicNode> =
        cases().map { case ->
            dynamicTest(case.name) {
                val shot = ShotCache.get(case, Variant(english = false, fontScale = 1f))
                val problems = shot.accessibilityProblems
                assertTrue(problems.isEmpty(), "${case.name}: ${problems.joinToString("; ")}")
            }
        }

    @Test
    fun `a clickable element without words or too small is found`() {
        // The check itself: two 24 dp icons side by side with no description must be reported
        // (their touch areas, each widened to 48 dp by the platform, run into each other).
        val shot = shoot(english = false, fontScale = 1f) {
            androidx.compose.foundation.layout.Row {
                androidx.compose.foundation.layout.Box(androidx.compose.ui.Modifier.size(24.dp).clickable {})
                androidx.compose.foundation.layout.Box(androidx.compose.ui.Modifier.size(24.dp).clickable {})
            }
        }
        val problems = shot.accessibilityProblems
        assertTrue(problems.any { "no label" in it } && problems.any { "overlap" in it }, problems.toString())
    }

    private fun contrast(a: Color, b: Color): Double {
        val (hi, lo) = listOf(a.luminance(), b.luminance()).sortedDescending()
        return (hi + 0.05) / (lo + 0.05)
    }

    @Test
    fun `the theme's text colours contrast at least 4_5 to 1 with what they are drawn on`() {
        val c = SachxanhColors
        val pairs = listOf(
            "onPrimary on primary" to (c.onPrimary to c.primary),
            "onPrimaryContainer on primaryContainer" to (c.onPrimaryContainer to c.primaryContainer),
            "onSecondary on secondary" to (c.onSecondary to c.secondary),
            "onSecondaryContainer on secondaryContainer" to (c.onSecondaryContainer to c.secondaryContainer),
            "onTertiary on tertiary" to (c.onTertiary to c.tertiary),
            "onTertiaryContainer on tertiaryContainer" to (c.onTertiaryContainer to c.tertiaryContainer),
            "onError on error" to (c.onError to c.error),
            "onErrorContainer on errorContainer" to (c.onErrorContainer to c.errorContainer),
            "onBackground on background" to (c.onBackground to c.background),
            "onSurface on surface" to (c.onSurface to c.surface),
            "onSurfaceVariant on surface" to (c.onSurfaceVariant to c.surface),
            "onSurfaceVariant on surfaceVariant" to (c.onSurfaceVariant to c.surfaceVariant),
            "inverseOnSurface on inverseSurface" to (c.inverseOnSurface to c.inverseSurface),
            // Text buttons and links are primary on the surface; problems are error on it.
            "primary on surface" to (c.primary to c.surface),
            "error on surface" to (c.error to c.surface),
            "tertiary on surface" to (c.tertiary to c.surface),
            // Cards are surfaceContainer*, and carry every kind of text.
            *listOf(c.surfaceContainerLowest, c.surfaceContainerLow, c.surfaceContainer, c.surfaceContainerHigh, c.surfaceContainerHighest)
                .flatMapIndexed { i, bg ->
                    listOf(
                        "onSurface on surfaceContainer#$i" to (c.onSurface to bg),
                        "onSurfaceVariant on surfaceContainer#$i" to (c.onSurfaceVariant to bg),
                        "primary on surfaceContainer#$i" to (c.primary to bg),
                        "error on surfaceContainer#$i" to (c.error to bg),
                        "tertiary on surfaceContainer#$i" to (c.tertiary to bg),
                    )
                }.toTypedArray(),
        )
        val low = pairs.map { (name, p) -> name to contrast(p.first, p.second) }.filter { it.second < 4.5 }
        assertTrue(low.isEmpty(), "below 4.5:1: " + low.joinToString { "${it.first} ${"%.2f".format(it.second)}" })
    }
}
