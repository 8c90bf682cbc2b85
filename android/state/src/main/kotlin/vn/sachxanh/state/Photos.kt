package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import vn.sachxanh.core.Message
import vn.sachxanh.core.PhotoInfo
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

/** One photo of a form's Photos or Photo field, shown as a thumbnail. */
sealed interface FormPhoto {
    /** Stable while the photo is in the form: list keys and `removePhoto`. */
    val key: String

    /** The stage's code from the field's `Input.Photos.stages` (`before`); `null` in a Photo field. */
    val stage: String?

    /** Being scaled and re-encoded on the phone (a second or two on a cheap phone). */
    data class Preparing(override val key: String, override val stage: String?) : FormPhoto

    /**
     * In the record, named by [sha256]. [info] is known for a photo added in this form;
     * [preview] once the phone has read the bytes (added here, already on the phone when the
     * form opened, or opened). A `null` preview is a photo not on the phone: it is downloaded
     * only when it is opened.
     */
    data class Attached(
        val sha256: String,
        override val stage: String?,
        val info: PhotoInfo? = null,
        val preview: PhotoBytes? = null,
    ) : FormPhoto {
        override val key: String get() = sha256
    }
}

/** A photo opened full size, over the form; [stage] as in [FormPhoto.stage]. */
data class PhotoViewer(val sha256: String, val path: String?, val stage: String?, val content: PhotoContent)

sealed interface PhotoContent {
    /** Read from the phone, or downloaded from the server (someone else's photo). */
    data object Loading : PhotoContent

    data class Shown(val photo: PhotoBytes) : PhotoContent

    /** Not on this phone and no connection: it can be opened once there is one. */
    data class Offline(val message: Message) : PhotoContent

    data class Error(val message: Message) : PhotoContent
}

/**
 * The photo work of [RecordFormViewModel]: preparing a camera or gallery file, thumbnails of
 * photos already on the phone, opening one full size, and forgetting on the phone a photo taken
 * for the form and then removed, or left in a form closed unsaved: the core never uploads a photo
 * no saved record uses, and `discardPhoto` frees its space (it refuses while a saved record still
 * uses the photo).
 */
internal class PhotoDesk(
    private val state: MutableStateFlow<RecordFormUiState>,
    private val core: SachxanhInterface,
    private val io: CoroutineDispatcher,
    private val scope: CoroutineScope,
    /**
     * Outlives the screen (the app's scope): preparing and forgetting photos must finish after
     * the person has left the form, when the screen's own [scope] is already cancelled.
     */
    private val photoScope: CoroutineScope,
    /** The photos of [path] changed: the form is checked again (an after photo may be required). */
    private val changed: (path: String) -> Unit,
) {
    private val keys = AtomicInteger()

    /** The photos of the record as last saved: never discarded from here. */
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

    private fun editing(): RecordFormUiState.Editing? = state.value as? RecordFormUiState.Editing

    private fun change(f: (RecordFormUiState.Editing) -> RecordFormUiState.Editing) =
        state.update { s -> (s as? RecordFormUiState.Editing)?.let(f) ?: s }

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
        if (!abandoned.get() && editing()?.attached()?.any { it.sha256 == sha256 } == true) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            lane.withLock { io.core { core.discardPhoto(sha256) } }
        }
    }

    /** The form was left unsaved: the photos taken for it are forgotten. Nothing once saved. */
    fun abandon() {
        val e = editing() ?: return
        if (!abandoned.compareAndSet(false, true)) return
        e.attached().forEach { discard(it.sha256) }
    }

    private fun setPreview(photo: PhotoBytes) = change { e ->
        e.mapPhotos { p -> if (p is FormPhoto.Attached && p.sha256 == photo.sha256) p.copy(preview = photo) else p }
    }

    /**
     * A photo from the camera or the gallery, as a file the shell wrote ([file]), for the field
     * at [path] under [stage]; the core scales and re-encodes it and keeps it on the phone, so the
     * file may be deleted once the photo shows as attached. A file that is not a photo is said
     * under the field. A Photo field holds one photo: a new one replaces it.
     */
    fun add(path: String, file: String, stage: String?) {
        val key = "preparing-${keys.incrementAndGet()}"
        var started = false
        state.update { s ->
            started = false
            val e = s as? RecordFormUiState.Editing
            val f = e?.get(path)
            if (e == null || f == null || !f.takesPhotos || !e.mayWrite || e.saving) return@update s
            started = true
            e.withPhotos(path, f.photos + FormPhoto.Preparing(key, f.stageOrFirst(stage)), error = null)
        }
        if (!started) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            val added = lane.withLock {
                io.core {
                    val info = core.addPhoto(file)
                    // Read back at once (from the phone, no network) for the thumbnail.
                    info to PhotoBytes(info.sha256, core.photo(info.sha256))
                }
            }
            var unused = false
            var replaced = emptyList<String>()
            state.update { s ->
                unused = false
                replaced = emptyList()
                val e = s as? RecordFormUiState.Editing
                val f = e?.get(path)
                // Removed while it was being prepared, or the form was left: not in the form.
                if (e == null || f == null || f.photos.none { it.key == key } || abandoned.get()) {
                    unused = true
                    return@update s
                }
                val others = f.photos.filter { it.key != key }
                when (added) {
                    is Outcome.Failed -> e.withPhotos(path, others, error = added.error.words())
                    is Outcome.Ok -> {
                        val (info, preview) = added.value
                        val stage = f.photos.first { it.key == key }.stage
                        val attached = FormPhoto.Attached(info.sha256, stage, info, preview)
                        when {
                            // Already in the form (under another stage, or another field): that one keeps it.
                            e.attached().any { it.sha256 == info.sha256 } -> e.withPhotos(path, others, error = Texts.photoAlreadyAdded)
                            f.singlePhoto -> {
                                replaced = others.filterIsInstance<FormPhoto.Attached>().map { it.sha256 }
                                e.withPhotos(path, listOf(attached), error = null)
                            }
                            else -> e.withPhotos(path, f.photos.map { if (it.key == key) attached else it }, error = null)
                        }
                    }
                }
            }
            if (unused && added is Outcome.Ok) discard(added.value.first.sha256)
            replaced.forEach(::discard)
            if (!unused) changed(path)
        }
    }

    /**
     * Takes a photo out of the form, and forgets it on the phone when only this form used it
     * (one removed before saving is never uploaded). One the saved record uses stays until the
     * record is saved without it; it is then not uploaded either.
     */
    fun remove(key: String) {
        var removed: FormPhoto? = null
        var path: String? = null
        state.update { s ->
            removed = null
            val e = s as? RecordFormUiState.Editing
            val f = e?.fields?.firstOrNull { fs -> fs.photos.any { it.key == key } }
            if (e == null || f == null || e.saving || !e.mayWrite) return@update s
            removed = f.photos.first { it.key == key }
            path = f.path
            e.withPhotos(f.path, f.photos.filter { it.key != key }, error = null)
        }
        // A photo still being prepared is forgotten once ready (add finds it gone).
        (removed as? FormPhoto.Attached)?.let { discard(it.sha256) }
        path?.let(changed)
    }

    /** Opens a photo full size: from the phone, or downloaded when someone else took it. */
    fun view(sha256: String) {
        val e = editing() ?: return
        val field = e.fields.firstOrNull { f -> f.photos.any { it is FormPhoto.Attached && it.sha256 == sha256 } }
        val attached = field?.photos?.firstOrNull { it is FormPhoto.Attached && it.sha256 == sha256 } as FormPhoto.Attached?
        val known = attached?.preview
        change { it.copy(viewer = PhotoViewer(sha256, field?.path, attached?.stage, known?.let(PhotoContent::Shown) ?: PhotoContent.Loading)) }
        if (known != null) return
        scope.launch {
            val content = when (val read = io.core { core.photo(sha256) }) {
                is Outcome.Ok -> PhotoContent.Shown(PhotoBytes(sha256, read.value))
                is Outcome.Failed -> when (val err = read.error) {
                    is CoreError.Offline -> PhotoContent.Offline(err.message)
                    else -> PhotoContent.Error(err.words())
                }
            }
            // The person may have closed it, or opened another, meanwhile.
            change { cur -> if (cur.viewer?.sha256 == sha256) cur.copy(viewer = cur.viewer.copy(content = content)) else cur }
            if (content is PhotoContent.Shown) setPreview(content.photo)
        }
    }

    /** "Thử lại" in the viewer, e.g. once there is a network again. */
    fun retry() {
        val viewer = editing()?.viewer ?: return
        view(viewer.sha256)
    }

    fun close() = change { it.copy(viewer = null) }
}
