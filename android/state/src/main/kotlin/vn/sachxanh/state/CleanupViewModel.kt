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
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.Place
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
    ) : CleanupUiState {
        val totalParticipants: Long
            get() = form.participants.values.sumOf { Numbers.count(it)?.toLong() ?: 0L }
    }

    data class Saved(val id: String, val submitted: Boolean) : CleanupUiState
}

/**
 * The weekend-cleanup form: area, date, the place (GPS fix or map taps — the shell supplies the
 * coordinates), kinds of work, participants per organisation, kilograms and bags collected.
 */
class CleanupViewModel(
    private val core: SachxanhInterface,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher,
    private val cleanupId: String? = null,
    /** The area to start with (the one the person came from); the first of theirs otherwise. */
    private val areaId: String? = null,
) {
    private val _state = MutableStateFlow<CleanupUiState>(CleanupUiState.Loading)
    val state: StateFlow<CleanupUiState> = _state.asStateFlow()

    // Photos are kept as they are: this form does not edit them yet, and must not drop them.
    private var photos: List<PhotoRef> = emptyList()

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
                photos = view.value.photos
                CleanupUiState.Editing(
                    form = formOf(view.value),
                    areas = areas,
                    recordId = view.id,
                    status = view.status,
                    reviewerReason = core.reviewerReason(view.id),
                )
            }
        }
        _state.value = when (loaded) {
            is Outcome.Ok -> loaded.value
            is Outcome.Failed -> CleanupUiState.Error(loaded.error.message)
        }
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

    fun save(submit: Boolean) {
        val editing = _state.value as? CleanupUiState.Editing ?: return
        if (editing.saving) return
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
            photos = photos,
        )
        _state.value = editing.copy(saving = true)
        scope.launch {
            val saved = io.saveRecord(
                core, editing.recordId, submit,
                { core.createCleanup(value) },
                { core.updateCleanup(it, value) },
            )
            _state.value = when (saved) {
                is Outcome.Ok -> CleanupUiState.Saved(saved.value, submit)
                is Outcome.Failed -> editing.copy(
                    saving = false,
                    errors = when (val e = saved.error) {
                        is CoreError.Invalid -> FieldErrors.of(e.problems, ::fieldOf)
                        else -> FieldErrors(general = listOf(e.message))
                    },
                )
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
    )
}

private fun CleanupForm.withPoint(p: Coord, source: PlaceSource): CleanupForm = copy(
    // A point is replaced by the newer one; lines and polygons grow vertex by vertex.
    points = if (shape == Shape.POINT) listOf(p) else points + p,
    placeSource = source,
)
