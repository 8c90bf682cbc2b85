package vn.sachxanh.state

import vn.sachxanh.core.PhotoInfo
import vn.sachxanh.core.PhotoStage

/**
 * A photo's JPEG bytes. Photos are named by the SHA-256 of their bytes, so two are equal when
 * their names are: comparing the name is exact and cheap, and a screen state holding one stays
 * comparable (a bare `ByteArray` compares by identity).
 */
class PhotoBytes(val sha256: String, val jpeg: ByteArray) {
    override fun equals(other: Any?): Boolean = other is PhotoBytes && other.sha256 == sha256
    override fun hashCode(): Int = sha256.hashCode()

    // Never the bytes themselves: a failed test or a log line stays readable.
    override fun toString(): String = "PhotoBytes(${sha256.take(12)}…, ${jpeg.size} bytes)"
}

/** One photo of a form (a cleanup's before and after), shown as a thumbnail under its stage. */
sealed interface FormPhoto {
    /** Stable while the photo is in the form: list keys and [CleanupViewModel.removePhoto]. */
    val key: String
    val stage: PhotoStage

    /** Being scaled and re-encoded on the phone (a second or two on a cheap phone). */
    data class Preparing(override val key: String, override val stage: PhotoStage) : FormPhoto

    /**
     * In the record, named by [sha256]. [info] is known for a photo added in this form;
     * [preview] once the phone has read the bytes (added here, already on the phone when the
     * form opened, or opened). A `null` preview is a photo not on the phone: it is downloaded
     * only when it is opened.
     */
    data class Attached(
        val sha256: String,
        override val stage: PhotoStage,
        val info: PhotoInfo? = null,
        val preview: PhotoBytes? = null,
    ) : FormPhoto {
        override val key: String get() = sha256
    }
}

/** A photo opened full size. */
data class PhotoViewer(val sha256: String, val stage: PhotoStage?, val content: PhotoContent)

sealed interface PhotoContent {
    /** Read from the phone, or downloaded from the server (someone else's photo). */
    data object Loading : PhotoContent

    data class Shown(val photo: PhotoBytes) : PhotoContent

    /** Not on this phone and no connection: it can be opened once there is one. */
    data class Offline(val message: UserText) : PhotoContent

    data class Error(val message: UserText) : PhotoContent
}

/** What a failed photo call says under the form's photo field. */
internal fun CoreError.photoMessage(): UserText = when (this) {
    // The core names the problem (field `photo`): "not a readable JPEG or PNG image", too large.
    is CoreError.Invalid -> problems.takeIf { it.isNotEmpty() }?.let { ps ->
        UserText(ps.joinToString("; ") { it.messageVi }, ps.joinToString("; ") { it.messageEn })
    } ?: message
    else -> message
}

/** The viewer's state for a failed [vn.sachxanh.core.SachxanhInterface.photo]. */
internal fun CoreError.photoContent(): PhotoContent = when (this) {
    is CoreError.Offline -> PhotoContent.Offline(message)
    else -> PhotoContent.Error(photoMessage())
}

