package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import vn.sachxanh.core.ReviewStatus
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

/**
 * The reviewer's reason for a returned or rejected record. The record views do not carry it, so
 * it comes from the outbox listing (see the FFI notes in android/README.md).
 */
internal fun SachxanhInterface.reviewerReason(id: String): String? =
    outbox().firstOrNull { it.id == id }?.let { standingReason(it.status, it.reason) }

/**
 * The core keeps the latest return or rejection reason even after a later approval; it is only
 * worth showing while the record stands returned or rejected.
 */
internal fun standingReason(status: ReviewStatus, reason: String?): String? =
    reason?.takeIf { status == ReviewStatus.RETURNED || status == ReviewStatus.REJECTED }
