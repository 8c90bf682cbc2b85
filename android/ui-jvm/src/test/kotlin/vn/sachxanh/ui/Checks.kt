package vn.sachxanh.ui

import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.semantics.SemanticsActions
import androidx.compose.ui.semantics.SemanticsConfiguration
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.text.TextLayoutResult

private fun SemanticsNode.all(): Sequence<SemanticsNode> = sequence {
    yield(this@all)
    children.forEach { yieldAll(it.all()) }
}

private fun SemanticsNode.ancestors(): Sequence<SemanticsNode> = generateSequence(parent) { it.parent }

private fun SemanticsConfiguration.text(): String? =
    getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text }?.takeIf { it.isNotBlank() }

private fun SemanticsNode.isScroller(): Boolean =
    config.getOrNull(SemanticsProperties.VerticalScrollAxisRange) != null ||
        config.getOrNull(SemanticsProperties.HorizontalScrollAxisRange) != null ||
        config.getOrNull(SemanticsActions.ScrollBy) != null

private fun SemanticsNode.inTextField(): Boolean =
    config.contains(SemanticsProperties.EditableText) || ancestors().any { it.config.contains(SemanticsProperties.EditableText) }

/**
 * The text does not fit its box: lines dropped or ended with "…", taller than its box, or a line
 * wider than it. (The layout's own `hasVisualOverflow` compares with the width it was offered,
 * which a short text never fills.)
 */
private fun TextLayoutResult.cutOff(): Boolean {
    val p = multiParagraph
    if (p.didExceedMaxLines) return true
    if ((0 until lineCount).any { isLineEllipsized(it) }) return true
    if (p.height > size.height + 0.5f) return true
    return (0 until lineCount).any { getLineRight(it) - getLineLeft(it) > size.width + 0.5f }
}

private fun Rect.containsRect(r: Rect) = left <= r.left + 0.5f && top <= r.top + 0.5f && right >= r.right - 0.5f && bottom >= r.bottom - 0.5f

private fun Rect.inflate(d: Float) = Rect(left - d, top - d, right + d, bottom + d)

/**
 * What a person would see cut off or run together: text whose layout overflows (cut, or ended
 * with "…"), text drawn outside the element that holds it, and two texts drawn over each other.
 * Text in a scrolling list may leave the screen: that is scrolling, not cutting off.
 */
fun textProblems(root: SemanticsNode, screen: Rect): List<String> {
    val problems = mutableListOf<String>()
    val texts = root.all().filter { it.config.text() != null }.toList()
    for (node in texts) {
        val label = node.config.text()!!
        val layouts = mutableListOf<TextLayoutResult>()
        node.config.getOrNull(SemanticsActions.GetTextLayoutResult)?.action?.invoke(layouts)
        if (layouts.any { it.cutOff() }) problems += "cut off: «$label»"
        val bounds = node.boundsInRoot
        if (bounds.isEmpty) continue
        // The nearest ancestor that draws a box around it, up to a scrolling list.
        val holder = node.ancestors().takeWhile { !it.isScroller() }.firstOrNull { !it.boundsInRoot.isEmpty && it.boundsInRoot != bounds }
        // A text field's label sits on its outline by design.
        if (holder != null && !holder.isScroller() && !node.inTextField() && !holder.boundsInRoot.inflate(1f).let { it.contains(bounds.topLeft) && it.contains(bounds.bottomRight) }) {
            problems += "outside its element: «$label» $bounds in ${holder.boundsInRoot}"
        }
    }
    // Overlaps, among the texts on screen (a text field's label and value are one element).
    val shown = texts.filter { !it.boundsInRoot.isEmpty && it.boundsInRoot.overlaps(screen) && !it.inTextField() }
    for (i in shown.indices) {
        for (j in i + 1 until shown.size) {
            val a = shown[i]
            val b = shown[j]
            if (a.ancestors().contains(b) || b.ancestors().contains(a)) continue
            val o = a.boundsInRoot.intersect(b.boundsInRoot)
            if (o.width > 1f && o.height > 1f) problems += "overlap: «${a.config.text()}» and «${b.config.text()}»"
        }
    }
    return problems
}

/**
 * What a screen reader user or a thumb would miss: a clickable element with nothing to say, a
 * touch target under 48×48 dp ([dp] pixels per dp), or two targets whose touch areas overlap (a
 * tap could go to either). Elements a scrolling list shows only in part are skipped.
 */
fun accessibilityProblems(root: SemanticsNode, screen: Rect, dp: Float): List<String> {
    val problems = mutableListOf<String>()
    val targets = mutableListOf<Pair<SemanticsNode, String>>()
    for (node in root.all()) {
        val c = node.config
        if (c.getOrNull(SemanticsActions.OnClick) == null) continue
        val bounds = node.boundsInRoot
        if (bounds.isEmpty) continue
        // What TalkBack reads: its own words and those of the children merged into it.
        val words = listOfNotNull(
            c.text(),
            c.getOrNull(SemanticsProperties.ContentDescription)?.joinToString(" "),
            c.getOrNull(SemanticsProperties.EditableText)?.text,
            c.getOrNull(SemanticsActions.OnClick)?.label,
        ) + node.all().drop(1).mapNotNull { it.config.text() ?: it.config.getOrNull(SemanticsProperties.ContentDescription)?.joinToString(" ") }
        val role = c.getOrNull(SemanticsProperties.Role)
        val name = words.firstOrNull { it.isNotBlank() }
        if (name == null) problems += "a clickable ${role ?: "element"} with no label at $bounds"
        val whole = bounds.width >= node.size.width - 0.5f && bounds.height >= node.size.height - 0.5f &&
            screen.contains(bounds.topLeft) && screen.inflate(0.5f).contains(bounds.bottomRight)
        if (!whole) continue
        val touch = node.touchBoundsInRoot
        if (touch.width < 48 * dp - 0.5f || touch.height < 48 * dp - 0.5f) {
            problems += "touch target ${touch.width / dp}×${touch.height / dp} dp: «${name ?: role}»"
        }
        targets += node to (name ?: role.toString())
    }
    for (i in targets.indices) {
        for (j in i + 1 until targets.size) {
            val (a, an) = targets[i]
            val (b, bn) = targets[j]
            if (a.ancestors().contains(b) || b.ancestors().contains(a)) continue
            // A button inside a tappable card or field: the inner one takes the taps on it.
            if (a.boundsInRoot.containsRect(b.boundsInRoot) || b.boundsInRoot.containsRect(a.boundsInRoot)) continue
            val o = a.touchBoundsInRoot.intersect(b.touchBoundsInRoot)
            if (o.width > 1f && o.height > 1f) problems += "touch areas overlap: «$an» and «$bn»"
        }
    }
    return problems
}
