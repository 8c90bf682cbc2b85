package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import vn.sachxanh.core.SachxanhInterface

/**
 * The save path every form shares: create or update on the phone, then (if asked) submit for
 * review, as one step for the person. Returns the record's id.
 */
internal suspend fun CoroutineDispatcher.saveRecord(
    core: SachxanhInterface,
    existingId: String?,
    submit: Boolean,
    create: () -> String,
    update: (String) -> Unit,
): Outcome<String> = core {
    val id = existingId?.also(update) ?: create()
    if (submit) core.submit(id)
    id
}

/** The first segment of a core field path: `participants.youth_union` → `participants`. */
internal fun String.head(): String = substringBefore('.')
