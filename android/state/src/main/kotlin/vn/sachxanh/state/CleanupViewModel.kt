package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.Cleanup
import vn.sachxanh.core.Coord
import vn.sachxanh.core.Participants
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.Place
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.Shape
import vn.sachxanh.core.Work
import java.time.Clock
import java.time.LocalDate
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

/** The organisations whose members turn out (DOMAIN.md), and residents. */
enum class Organisation { FATHERLAND_FRONT, WOMENS_UNION, YOUTH_UNION, FARMERS_UNION, VETERANS, RESIDENTS, OTHER }

/** Kinds of work at a weekend cleanup. */
enum class WorkKind { SWEEPING, WATERWAYS, DRAINS, TREES }

enum class CleanupField {
    AREA, DATE, PLACE, WORK,
    /** The total: nobody came. */
    PARTICIPANTS,
    FATHERLAND_FRONT, WOMENS_UNION, YOUTH_UNION, FARMERS_UNION, VETERANS, RESIDENTS, OTHER_PARTICIPANTS,
    WASTE_KG, BAGS, NOTE,
    /** The photos: a file that is not a photo, too many photos. */
    PHOTOS,
}

val Organisation.field: CleanupField
    get() = when (this) {
        Organisation.FATHERLAND_FRONT -> CleanupField.FATHERLAND_FRONT
        Organisation.WOMENS_UNION -> CleanupField.WOMENS_UNION
        Organisation.YOUTH_UNION -> CleanupField.YOUTH_UNION
        Organisation.FARMERS_UNION -> CleanupField.FARMERS_UNION
        Organisation.VETERANS -> CleanupField.VETERANS
        Organisation.RESIDENTS -> CleanupField.RESIDENTS
        Organisation.OTHER -> CleanupField.OTHER_PARTICIPANTS
    }

/** Where the place's last point came from, shown next to the map. */
enum class PlaceSource { GPS, MAP }

data class CleanupForm(
    val areaId: String,
    /** `YYYY-MM-DD`. */
    val date: String,
    /** A point for one spot; a line along a street or canal; a polygon for a square or a pond. */
    val shape: Shape = Shape.POINT,
    val points: List<Coord> = emptyList(),
    val placeSource: PlaceSource? = null,
    /** Metres, from the last GPS fix: the person judges whether to wait for a better one. */
    val gpsAccuracyM: Float? = null,
    val work: Set<WorkKind> = emptySet(),
    /** Counts as typed, per organisation; blank is zero. */
    val participants: Map<Organisation, String> = emptyMap(),
    val wasteKg: String = "",
    val bags: String = "",
    val note: String = "",
    /** Before and after, in the order they were added. */
    val photos: List<FormPhoto> = emptyList(),
)

sealed interface CleanupUiState {
    data object Loading : CleanupUiState

    data class Error(val message: UserText) : CleanupUiState

    data class Editing(
        val form: CleanupForm,
        val areas: List<AreaInfo>,
        val errors: FieldErrors<CleanupField> = FieldErrors(),
        val saving: Boolean = false,
        val recordId: String? = null,
        val status: ReviewStatus? = null,
        val reviewerReason: String? = null,
        /** A photo opened full size, over the form. */
        val viewer: PhotoViewer? = null,
    ) : CleanupUiState {
        val totalParticipants: Long
            get() = form.participants.values.sumOf { Numbers.count(it)?.toLong() ?: 0L }

        /** Saving waits until every photo is prepared (a half-made photo has no name yet). */
        val preparingPhotos: Boolean get() = form.photos.any { it is FormPhoto.Preparing }
        val canSave: Boolean get() = !saving && !preparingPhotos

        fun photos(stage: PhotoStage): List<FormPhoto> = form.photos.filter { it.stage == stage }
    }

    data class Saved(val id: String, val submitted: Boolean) : CleanupUiState
}

/**
 * The weekend-cleanup form: area, date, the place (GPS fix or map taps — the shell supplies the
 * coordinates), kinds of work, participants per organisation, kilograms and bags collected, and
 * photos before and after (the shell hands over a camera or gallery file's path).
 *
 * A photo taken for this form and then removed, or left behind with the form ([abandon]), is
 * forgotten on the phone: the core never uploads a photo no saved record uses, and
 * `discardPhoto` frees its space (it refuses while a saved record still uses the photo).
 */
class CleanupViewModel(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val cleanupId: String? = null,
    /** The area to start with (the one the person came from); the first of theirs otherwise. */
    private val areaId: String? = null,
    /**
     * Outlives the screen (the app's scope): preparing and forgetting photos must finish after
     * the person has left the form, when the screen's own [scope] is already cancelled.
     */
    private val photoScope: CoroutineScope = scope,
) {
    private val _state = MutableStateFlow<CleanupUiState>(CleanupUiState.Loading)
    val state: StateFlow<CleanupUiState> = _state.asStateFlow()

    private val photoKeys = AtomicInteger()

    /** The photos of the record as saved when the form opened: never discarded from here. */
    @Volatile
    private var savedPhotos: Set<String> = emptySet()

    /**
     * Adding and forgetting photos run one at a time, in the order the person did them: a photo
     * removed and then taken again (the same bytes, the same name) must not be forgotten after
     * it was added back.
     */
    private val photoLane = Mutex()

    /** Left without saving: a photo still being prepared is forgotten once it is ready. */
    private val abandoned = AtomicBoolean(false)

    init {
        scope.launch { load() }
    }

    private suspend fun load() {
        val loaded = io.core {
            val areas = core.me()?.areas.orEmpty()
            if (cleanupId == null) {
                CleanupUiState.Editing(
                    form = CleanupForm(
                        areaId = areaId ?: areas.firstOrNull()?.id.orEmpty(),
                        date = LocalDate.now(clock).toString(),
                    ),
                    areas = areas,
                )
            } else {
                val view = core.cleanup(cleanupId)
                savedPhotos = view.value.photos.map { it.sha256 }.toSet()
                CleanupUiState.Editing(
                    form = formOf(view.value),
                    areas = areas,
                    recordId = view.id,
                    status = view.status,
                    reviewerReason = view.reason,
                )
            }
        }
        _state.value = when (loaded) {
            is Outcome.Ok -> loaded.value
            is Outcome.Failed -> CleanupUiState.Error(loaded.error.message)
        }
        if (loaded is Outcome.Ok) {
            loadPreviews(loaded.value.form.photos.filterIsInstance<FormPhoto.Attached>().map { it.sha256 })
        }
    }

    /**
     * Thumbnails of the photos already on the phone (taken here, or opened before), read with no
     * network. The others would be downloaded — data the person pays for — so they wait for a tap.
     */
    private suspend fun loadPreviews(names: List<String>) {
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
        val form = (_state.value as? CleanupUiState.Editing)?.form
        if (!abandoned.get() && form?.photos?.any { it is FormPhoto.Attached && it.sha256 == sha256 } == true) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            photoLane.withLock { io.core { core.discardPhoto(sha256) } }
        }
    }

    /**
     * The person left the form without saving it (back, or the screen closed): the photos taken
     * for it are forgotten. Does nothing once saved.
     */
    fun abandon() {
        val s = _state.value
        if (s is CleanupUiState.Saved || !abandoned.compareAndSet(false, true)) return
        if (s is CleanupUiState.Editing) {
            s.form.photos.filterIsInstance<FormPhoto.Attached>().forEach { discard(it.sha256) }
        }
    }

    private fun setPreview(photo: PhotoBytes) = _state.update { s ->
        if (s !is CleanupUiState.Editing) return@update s
        s.copy(
            form = s.form.copy(
                photos = s.form.photos.map {
                    if (it is FormPhoto.Attached && it.sha256 == photo.sha256) it.copy(preview = photo) else it
                },
            ),
        )
    }

    private fun edit(change: (CleanupForm) -> CleanupForm) = _state.update { s ->
        if (s is CleanupUiState.Editing && !s.saving) s.copy(form = change(s.form)) else s
    }

    fun onAreaChanged(areaId: String) = edit { it.copy(areaId = areaId) }
    fun onDateChanged(isoDate: String) = edit { it.copy(date = isoDate) }

    fun onShapeChanged(shape: Shape) = edit {
        it.copy(shape = shape, points = if (shape == Shape.POINT) it.points.takeLast(1) else it.points)
    }

    /** A fix from the phone's GPS (LocationManager): the person is standing at the place. */
    fun onGpsFix(lon: Double, lat: Double, accuracyM: Float?) = edit {
        it.withPoint(Coord(lon, lat), PlaceSource.GPS).copy(gpsAccuracyM = accuracyM)
    }

    /** A tap on the map over the area's outline. */
    fun onMapTap(lon: Double, lat: Double) = edit { it.withPoint(Coord(lon, lat), PlaceSource.MAP).copy(gpsAccuracyM = null) }

    fun undoLastPoint() = edit { it.copy(points = it.points.dropLast(1)) }
    fun clearPlace() = edit { it.copy(points = emptyList(), placeSource = null, gpsAccuracyM = null) }

    fun onWork(kind: WorkKind, done: Boolean) = edit { it.copy(work = if (done) it.work + kind else it.work - kind) }
    fun onParticipants(org: Organisation, count: String) = edit { it.copy(participants = it.participants + (org to count)) }
    fun onWasteKgChanged(text: String) = edit { it.copy(wasteKg = text) }
    fun onBagsChanged(text: String) = edit { it.copy(bags = text) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    /**
     * A photo from the camera or the gallery, as a file the shell wrote ([path]); the core scales
     * and re-encodes it and keeps it on the phone, so the file may be deleted once the photo shows
     * as attached. A file that is not a photo is said under [CleanupField.PHOTOS].
     */
    fun addPhoto(path: String, stage: PhotoStage) {
        val key = "preparing-${photoKeys.incrementAndGet()}"
        var started = false
        _state.update { s ->
            started = s is CleanupUiState.Editing && !s.saving
            if (s is CleanupUiState.Editing && !s.saving) {
                s.copy(
                    form = s.form.copy(photos = s.form.photos + FormPhoto.Preparing(key, stage)),
                    errors = s.errors.without(CleanupField.PHOTOS),
                )
            } else {
                s
            }
        }
        if (!started) return
        photoScope.launch(start = CoroutineStart.UNDISPATCHED) {
            val added = photoLane.withLock {
                io.core {
                    val info = core.addPhoto(path)
                    // Read back at once (from the phone, no network) for the thumbnail.
                    info to PhotoBytes(info.sha256, core.photo(info.sha256))
                }
            }
            var unused = false
            _state.update { s ->
                unused = false
                // Removed while it was being prepared, or the form was left: not in the form.
                if (s !is CleanupUiState.Editing || s.form.photos.none { it.key == key } || abandoned.get()) {
                    unused = true
                    return@update s
                }
                val others = s.form.photos.filter { it.key != key }
                when (added) {
                    is Outcome.Ok -> {
                        val (info, preview) = added.value
                        if (others.any { it is FormPhoto.Attached && it.sha256 == info.sha256 }) {
                            // Already in the form under the other stage: that one keeps it.
                            s.copy(form = s.form.copy(photos = others), errors = s.errors.with(CleanupField.PHOTOS, Texts.photoAlreadyAdded))
                        } else {
                            val attached = FormPhoto.Attached(info.sha256, stage, info, preview)
                            s.copy(form = s.form.copy(photos = s.form.photos.map { if (it.key == key) attached else it }))
                        }
                    }
                    is Outcome.Failed ->
                        s.copy(form = s.form.copy(photos = others), errors = s.errors.with(CleanupField.PHOTOS, added.error.photoMessage()))
                }
            }
            if (unused && added is Outcome.Ok) discard(added.value.first.sha256)
        }
    }

    /**
     * Takes a photo out of the form, and forgets it on the phone when only this form used it
     * (one removed before saving is never uploaded). One the saved record uses stays until the
     * record is saved without it; it is then not uploaded either.
     */
    fun removePhoto(key: String) {
        var removed: FormPhoto? = null
        edit { f ->
            removed = f.photos.firstOrNull { it.key == key }
            f.copy(photos = f.photos.filter { it.key != key })
        }
        // A photo still being prepared is forgotten once ready (addPhoto finds it gone).
        (removed as? FormPhoto.Attached)?.let { discard(it.sha256) }
    }

    /** Opens a photo full size: from the phone, or downloaded when someone else took it. */
    fun openPhoto(sha256: String) {
        val s = _state.value as? CleanupUiState.Editing ?: return
        val attached = s.form.photos.firstOrNull { it is FormPhoto.Attached && it.sha256 == sha256 } as FormPhoto.Attached?
        val known = attached?.preview
        _state.update {
            if (it is CleanupUiState.Editing) {
                it.copy(viewer = PhotoViewer(sha256, attached?.stage, known?.let(PhotoContent::Shown) ?: PhotoContent.Loading))
            } else {
                it
            }
        }
        if (known != null) return
        scope.launch {
            val read = io.core { core.photo(sha256) }
            val content = when (read) {
                is Outcome.Ok -> PhotoContent.Shown(PhotoBytes(sha256, read.value))
                is Outcome.Failed -> read.error.photoContent()
            }
            _state.update { cur ->
                val viewer = (cur as? CleanupUiState.Editing)?.viewer
                // The person may have closed it, or opened another, meanwhile.
                if (cur is CleanupUiState.Editing && viewer != null && viewer.sha256 == sha256) {
                    cur.copy(viewer = viewer.copy(content = content))
                } else {
                    cur
                }
            }
            if (content is PhotoContent.Shown) setPreview(content.photo)
        }
    }

    /** "Thử lại" in the viewer, e.g. once there is a network again. */
    fun retryPhoto() {
        val viewer = (_state.value as? CleanupUiState.Editing)?.viewer ?: return
        openPhoto(viewer.sha256)
    }

    fun closePhoto() = _state.update { if (it is CleanupUiState.Editing) it.copy(viewer = null) else it }

    fun save(submit: Boolean) {
        val editing = _state.value as? CleanupUiState.Editing ?: return
        if (!editing.canSave) return
        val f = editing.form
        // Text that is not a number stays in the form with its own message; the core judges values.
        var unreadable = FieldErrors<CleanupField>()
        val counts = Organisation.entries.associateWith { org ->
            Numbers.count(f.participants[org].orEmpty()).also {
                if (it == null) unreadable = unreadable.with(org.field, Texts.notAWholeNumber)
            } ?: 0u
        }
        val kg = if (f.wasteKg.isBlank()) null else Numbers.kg(f.wasteKg).also {
            if (it == null) unreadable = unreadable.with(CleanupField.WASTE_KG, Texts.notANumber)
        }
        val bags = if (f.bags.isBlank()) null else Numbers.count(f.bags, blankIsZero = false).also {
            if (it == null) unreadable = unreadable.with(CleanupField.BAGS, Texts.notAWholeNumber)
        }
        if (!unreadable.isEmpty) {
            _state.value = editing.copy(errors = unreadable)
            return
        }
        val value = Cleanup(
            areaId = f.areaId,
            cleanupDate = f.date.trim(),
            place = Place(f.shape, f.points),
            work = Work(
                sweeping = WorkKind.SWEEPING in f.work,
                waterways = WorkKind.WATERWAYS in f.work,
                drains = WorkKind.DRAINS in f.work,
                trees = WorkKind.TREES in f.work,
            ),
            participants = Participants(
                fatherlandFront = counts.getValue(Organisation.FATHERLAND_FRONT),
                womensUnion = counts.getValue(Organisation.WOMENS_UNION),
                youthUnion = counts.getValue(Organisation.YOUTH_UNION),
                farmersUnion = counts.getValue(Organisation.FARMERS_UNION),
                veterans = counts.getValue(Organisation.VETERANS),
                residents = counts.getValue(Organisation.RESIDENTS),
                other = counts.getValue(Organisation.OTHER),
            ),
            wasteKg = kg,
            bags = bags,
            note = f.note,
            photos = f.photos.filterIsInstance<FormPhoto.Attached>().map { PhotoRef(it.sha256, it.stage) },
        )
        _state.value = editing.copy(saving = true)
        scope.launch {
            val saved = io.saveRecord(
                core, editing.recordId, submit,
                { core.createCleanup(value) },
                { core.updateCleanup(it, value) },
            )
            _state.update { s ->
                when (saved) {
                    is Outcome.Ok -> CleanupUiState.Saved(saved.value, submit)
                    // From the current state, not the one before saving: a thumbnail or the
                    // viewer may have loaded meanwhile.
                    is Outcome.Failed -> ((s as? CleanupUiState.Editing) ?: editing).copy(
                        saving = false,
                        errors = when (val e = saved.error) {
                            is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
                            else -> FieldErrors(general = listOf(e.message))
                        },
                    )
                }
            }
        }
    }

    private fun fieldOf(path: String): CleanupField? = when (path) {
        "participants.fatherland_front" -> CleanupField.FATHERLAND_FRONT
        "participants.womens_union" -> CleanupField.WOMENS_UNION
        "participants.youth_union" -> CleanupField.YOUTH_UNION
        "participants.farmers_union" -> CleanupField.FARMERS_UNION
        "participants.veterans" -> CleanupField.VETERANS
        "participants.residents" -> CleanupField.RESIDENTS
        "participants.other" -> CleanupField.OTHER_PARTICIPANTS
        else -> when (path.head()) {
            "area_id" -> CleanupField.AREA
            // "date" is what the FFI names any malformed day it could not read.
            "cleanup_date", "date" -> CleanupField.DATE
            "place" -> CleanupField.PLACE
            "work" -> CleanupField.WORK
            "participants" -> CleanupField.PARTICIPANTS
            "waste_kg" -> CleanupField.WASTE_KG
            "bags" -> CleanupField.BAGS
            "note" -> CleanupField.NOTE
            // `photo` from addPhoto, `photos` / `photos.2` from the record's rules.
            "photo", "photos" -> CleanupField.PHOTOS
            else -> null
        }
    }

    private fun formOf(c: Cleanup) = CleanupForm(
        areaId = c.areaId,
        date = c.cleanupDate,
        shape = c.place.shape,
        points = c.place.coords,
        work = buildSet {
            if (c.work.sweeping) add(WorkKind.SWEEPING)
            if (c.work.waterways) add(WorkKind.WATERWAYS)
            if (c.work.drains) add(WorkKind.DRAINS)
            if (c.work.trees) add(WorkKind.TREES)
        },
        participants = mapOf(
            Organisation.FATHERLAND_FRONT to c.participants.fatherlandFront,
            Organisation.WOMENS_UNION to c.participants.womensUnion,
            Organisation.YOUTH_UNION to c.participants.youthUnion,
            Organisation.FARMERS_UNION to c.participants.farmersUnion,
            Organisation.VETERANS to c.participants.veterans,
            Organisation.RESIDENTS to c.participants.residents,
            Organisation.OTHER to c.participants.other,
        ).filterValues { it > 0u }.mapValues { it.value.toString() },
        wasteKg = Numbers.kgText(c.wasteKg),
        bags = c.bags?.toString().orEmpty(),
        note = c.note,
        photos = c.photos.map { FormPhoto.Attached(it.sha256, it.stage) },
    )
}

private fun CleanupForm.withPoint(p: Coord, source: PlaceSource): CleanupForm = copy(
    // A point is replaced by the newer one; lines and polygons grow vertex by vertex.
    points = if (shape == Shape.POINT) listOf(p) else points + p,
    placeSource = source,
)
