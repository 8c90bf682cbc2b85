package vn.sachxanh.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.Cleanup
import vn.sachxanh.core.Coord
import vn.sachxanh.core.Participants
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.core.Shape
import vn.sachxanh.core.Work
import java.time.Clock
import java.time.LocalDate

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

data class CleanupForm(
    val areaId: String,
    /** `YYYY-MM-DD`. */
    val date: String,
    val place: PlaceDraft = PlaceDraft(),
    val work: Set<WorkKind> = emptySet(),
    /** Counts as typed, per organisation; blank is zero. */
    val participants: Map<Organisation, String> = emptyMap(),
    val wasteKg: String = "",
    val bags: String = "",
    val note: String = "",
    /** Before and after, in the order they were added. */
    val photos: List<FormPhoto> = emptyList(),
) {
    // The place's parts, as the screen and the tests read them.
    val shape: Shape get() = place.shape
    val points: List<Coord> get() = place.points
    val placeSource: PlaceSource? get() = place.source
    val gpsAccuracyM: Float? get() = place.gpsAccuracyM
}

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

    private val photoDesk = PhotoDesk(
        _state,
        object : PhotoLens<CleanupUiState> {
            override fun part(s: CleanupUiState) =
                (s as? CleanupUiState.Editing)?.let { PhotoPart(it.form.photos, it.errors[CleanupField.PHOTOS], it.viewer, it.saving) }

            override fun with(s: CleanupUiState, part: PhotoPart): CleanupUiState {
                if (s !is CleanupUiState.Editing) return s
                val errors = s.errors.set(CleanupField.PHOTOS, part.error)
                return s.copy(form = s.form.copy(photos = part.photos), errors = errors, viewer = part.viewer)
            }

            override fun isSaved(s: CleanupUiState) = s is CleanupUiState.Saved
        },
        core, io, scope, photoScope,
    )

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
                photoDesk.savedPhotos = view.value.photos.map { it.sha256 }.toSet()
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
            photoDesk.loadPreviews(loaded.value.form.photos.filterIsInstance<FormPhoto.Attached>().map { it.sha256 })
        }
    }

    /**
     * The person left the form without saving it (back, or the screen closed): the photos taken
     * for it are forgotten. Does nothing once saved.
     */
    fun abandon() = photoDesk.abandon()

    private fun edit(change: (CleanupForm) -> CleanupForm) = _state.update { s ->
        if (s is CleanupUiState.Editing && !s.saving) s.copy(form = change(s.form)) else s
    }

    fun onAreaChanged(areaId: String) = edit { it.copy(areaId = areaId) }
    fun onDateChanged(isoDate: String) = edit { it.copy(date = isoDate) }

    fun onShapeChanged(shape: Shape) = edit { it.copy(place = it.place.withShape(shape)) }

    /** A fix from the phone's GPS (LocationManager): the person is standing at the place. */
    fun onGpsFix(lon: Double, lat: Double, accuracyM: Float?) = edit { it.copy(place = it.place.withGpsFix(lon, lat, accuracyM)) }

    /** A tap on the map over the area's outline. */
    fun onMapTap(lon: Double, lat: Double) = edit { it.copy(place = it.place.withMapTap(lon, lat)) }

    fun undoLastPoint() = edit { it.copy(place = it.place.withoutLastPoint()) }
    fun clearPlace() = edit { it.copy(place = it.place.cleared()) }

    fun onWork(kind: WorkKind, done: Boolean) = edit { it.copy(work = if (done) it.work + kind else it.work - kind) }
    fun onParticipants(org: Organisation, count: String) = edit { it.copy(participants = it.participants + (org to count)) }
    fun onWasteKgChanged(text: String) = edit { it.copy(wasteKg = text) }
    fun onBagsChanged(text: String) = edit { it.copy(bags = text) }
    fun onNoteChanged(text: String) = edit { it.copy(note = text) }

    /**
     * A photo from the camera or the gallery, as a file the shell wrote ([path]); the core scales
     * and re-encodes it and keeps it on the phone. A file that is not a photo is said under
     * [CleanupField.PHOTOS].
     */
    fun addPhoto(path: String, stage: PhotoStage) = photoDesk.add(path, stage)

    /** Takes a photo out of the form; one only this form used is forgotten on the phone. */
    fun removePhoto(key: String) = photoDesk.remove(key)

    /** Opens a photo full size: from the phone, or downloaded when someone else took it. */
    fun openPhoto(sha256: String) = photoDesk.view(sha256)

    /** "Thử lại" in the viewer, e.g. once there is a network again. */
    fun retryPhoto() = photoDesk.retry()

    fun closePhoto() = photoDesk.close()

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
            place = f.place.toPlace(),
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
            photos = f.photos.refs(),
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
        place = PlaceDraft.of(c.place),
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
