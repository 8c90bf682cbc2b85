package vn.sachxanh.ui

import androidx.compose.runtime.Composable
import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.runSkikoComposeUiTest
import androidx.compose.ui.unit.Density
import java.awt.image.BufferedImage

/**
 * A screen rendered on a 360×640 dp phone at 1 px per dp: the picture, and what the checks found
 * in its semantics tree (read while the screen is still alive).
 */
class Shot(val image: BufferedImage, val textProblems: List<String>, val accessibilityProblems: List<String>)

@OptIn(ExperimentalTestApi::class)
fun shoot(
    english: Boolean,
    fontScale: Float,
    widthDp: Int = 360,
    heightDp: Int = 640,
    content: @Composable () -> Unit,
): Shot {
    var shot: Shot? = null
    runSkikoComposeUiTest(Size(widthDp.toFloat(), heightDp.toFloat()), Density(1f, fontScale)) {
        // A fixed moment of every animation (spinners, progress bars): the same picture each run.
        mainClock.autoAdvance = false
        setContent { Phone(english = english, fontScale = fontScale) { content() } }
        mainClock.advanceTimeBy(400)
        val image = captureToImage().toAwtImage()
        val root = onRoot(useUnmergedTree = true).fetchSemanticsNode()
        shot = Shot(
            image,
            textProblems(root, Rect(0f, 0f, image.width.toFloat(), image.height.toFloat())),
            accessibilityProblems(root, Rect(0f, 0f, image.width.toFloat(), image.height.toFloat()), dp = 1f),
        )
    }
    return shot!!
}
