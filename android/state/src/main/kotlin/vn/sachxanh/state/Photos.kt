package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import vn.sachxanh.core.PhotoInfo
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.SachxanhInterface
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

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

/** One photo of a form (a cleanup's or a black spot's before and after), shown as a thumbnail under its stage. */
sealed interface FormPhoto {
    /** Stable while the photo is in the form: list keys and `removePhoto`. */
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


/** The references a saved record keeps: the attached photos, in the form's order. */
internal fun List<FormPhoto>.refs(): List<PhotoRef> = filterIsInstance<FormPhoto.Attached>().map { PhotoRef(it.sha256, it.stage) }

/** The photo part of a form's state, as [PhotoDesk] reads and writes it. */
internal data class PhotoPart(
    val photos: List<FormPhoto>,
    /** The message under the form's photo field. */
    val error: UserText?,
    val viewer: PhotoViewer?,
    /** The form is being saved: photos are not added or removed meanwhile. */
    val saving: Boolean,
)

/** How a screen's state holds its photos: [part] is `null` unless the form is being edited. */
internal interface PhotoLens<S> {
    fun part(s: S): PhotoPart?
    fun with(s: S, part: PhotoPart): S
    fun isSaved(s: S): Boolean
}

/**
 * The photo work every form with photos shares (cleanup, black spot): preparing a camera or
 * gallery file, thumbnails of photos already on the phone, opening one full size, and forgetting
 * on the phone a photo taken for the form and then removed, or left in a form closed unsaved:
 * the core never uploads a photo no saved record uses, and `discardPhoto` frees its space (it
 * refuses while a saved record still uses the photo).
 */
internal class PhotoDesk<S>(
    private val state: MutableStateFlow<S>,
    private val lens: PhotoLens<S>,
    private val core: SachxanhInterface,
    private val io: CoroutineDispatcher,
    private val scope: CoroutineScope,
    /**
     * Outlives the screen (the app's scope): preparing and forgetting photos must finish after
     * the person has left the form, when the screen's own [scope] is already cancelled.
     */
    private val photoScope: CoroutineScope,
) {
    private val keys = AtomicInteger()

    /** The photos of the record as saved when the form opened: never discarded from here. */
    @Volatile
    var savedPhotos: Set<String> = emptySet()

    /**
     * Adding and forgetting photos run one at a time, in the order the person did them: a photo
     * removed and then taken again (the same bytes, the same name) must not be forgotten after
     * it was added back.
     */
    private val lane = Mutex()

    /** Left without saving: a photo still being prepared is forgotten once it is ready. */
    private val abandoned = AtomicBoolean(false)

    private fun change(f: (PhotoPart) -> PhotoPart) = state.update { s -> lens.part(s)?.let { lens.with(s, f(it)) } ?: s }

    /**
     * Thumbnails of the photos already on the phone (taken here, or opened before), read with no
     * network. The others would be downloaded — data the person pays for — so they wait for a tap.
     */
    suspend fun loadPreviews(names: List<String>) {
        for (sha in names) {
            val read = io.core { if (core.hasPhoto(sha)) core.photo(sha) else null }
            // A photo that cannot be read just has no thumbnail; opening it says why.
            if (read is Outcome.Ok && read.value != null) setPreview(PhotoBytes(sha, read.value))
        }
    }

    /**
     * Forgets [sha256] unless the record as saved uses it; the core also refuses while any saved
     * record uses it, or once the server holds it. Nothing to tell the person either way: a photo
     * no record uses never leaves the phone.
     */
    private fun discard(sha256: String) {
        if (sha256 in savedPhotos) return
        // Still in the form (e.g. a copy taken again was refused as a duplicate): keep it.
        val photos = lens.part(state.value)?.photos
        if (!abandoned.get() && photos?.any { it is FormPhoto.Attached && it.sha256 == sha256 } == true) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            lane.withLock { io.core { core.discardPhoto(sha256) } }
        }
    }

    /** The form was left unsaved: the photos taken for it are forgotten. Nothing once saved. */
    fun abandon() {
        val s = state.value
        if (lens.isSaved(s) || !abandoned.compareAndSet(false, true)) return
        lens.part(s)?.photos?.filterIsInstance<FormPhoto.Attached>()?.forEach { discard(it.sha256) }
    }

    private fun setPreview(photo: PhotoBytes) = change { p ->
        p.copy(photos = p.photos.map { if (it is FormPhoto.Attached && it.sha256 == photo.sha256) it.copy(preview = photo) else it })
    }

    /**
     * A photo from the camera or the gallery, as a file the shell wrote ([path]); the core scales
     * and re-encodes it and keeps it on the phone, so the file may be deleted once the photo shows
     * as attached. A file that is not a photo is said under the photo field.
     */
    fun add(path: String, stage: PhotoStage) {
        val key = "preparing-${keys.incrementAndGet()}"
        var started = false
        state.update { s ->
            val p = lens.part(s)
            started = p != null && !p.saving
            if (p != null && !p.saving) lens.with(s, p.copy(photos = p.photos + FormPhoto.Preparing(key, stage), error = null)) else s
        }
        if (!started) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            val added = lane.withLock {
                io.core {
                    val info = core.addPhoto(path)
                    // Read back at once (from the phone, no network) for the thumbnail.
                    info to PhotoBytes(info.sha256, core.photo(info.sha256))
                }
            }
            var unused = false
            state.update { s ->
                unused = false
                val p = lens.part(s)
                // Removed while it was being prepared, or the form was left: not in the form.
                if (p == null || p.photos.none { it.key == key } || abandoned.get()) {
                    unused = true
                    return@update s
                }
                val others = p.photos.filter { it.key != key }
                lens.with(
                    s,
                    when (added) {
                        is Outcome.Ok -> {
                            val (info, preview) = added.value
                            if (others.any { it is FormPhoto.Attached && it.sha256 == info.sha256 }) {
                                // Already in the form under the other stage: that one keeps it.
                                p.copy(photos = others, error = Texts.photoAlreadyAdded)
                            } else {
                                val attached = FormPhoto.Attached(info.sha256, stage, info, preview)
                                p.copy(photos = p.photos.map { if (it.key == key) attached else it })
                            }
                        }
                        is Outcome.Failed -> p.copy(photos = others, error = added.error.photoMessage())
                    },
                )
            }
            if (unused && added is Outcome.Ok) discard(added.value.first.sha256)
        }
    }

    /**
     * Takes a photo out of the form, and forgets it on the phone when only this form used it
     * (one removed before saving is never uploaded). One the saved record uses stays until the
     * record is saved without it; it is then not uploaded either.
     */
    fun remove(key: String) {
        var removed: FormPhoto? = null
        change { p ->
            if (p.saving) return@change p
            removed = p.photos.firstOrNull { it.key == key }
            p.copy(photos = p.photos.filter { it.key != key })
        }
        // A photo still being prepared is forgotten once ready (add finds it gone).
        (removed as? FormPhoto.Attached)?.let { discard(it.sha256) }
    }

    /** Opens a photo full size: from the phone, or downloaded when someone else took it. */
    fun view(sha256: String) {
        val p = lens.part(state.value) ?: return
        val attached = p.photos.firstOrNull { it is FormPhoto.Attached && it.sha256 == sha256 } as FormPhoto.Attached?
        val known = attached?.preview
        change { it.copy(viewer = PhotoViewer(sha256, attached?.stage, known?.let(PhotoContent::Shown) ?: PhotoContent.Loading)) }
        if (known != null) return
        scope.launch {
            val read = io.core { core.photo(sha256) }
            val content = when (read) {
                is Outcome.Ok -> PhotoContent.Shown(PhotoBytes(sha256, read.value))
                is Outcome.Failed -> read.error.photoContent()
            }
            // The person may have closed it, or opened another, meanwhile.
            change { cur -> if (cur.viewer != null && cur.viewer.sha256 == sha256) cur.copy(viewer = cur.viewer.copy(content = content)) else cur }
            if (content is PhotoContent.Shown) setPreview(content.photo)
        }
    }

    /** "Thử lại" in the viewer, e.g. once there is a network again. */
    fun retry() {
        val viewer = lens.part(state.value)?.viewer ?: return
        view(viewer.sha256)
    }

    fun close() = change { it.copy(viewer = null) }
}
