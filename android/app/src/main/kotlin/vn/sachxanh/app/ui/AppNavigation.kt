package vn.sachxanh.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateListOf
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import vn.sachxanh.core.SachxanhInterface
import vn.sachxanh.state.CovenantViewModel
import vn.sachxanh.state.EnrolViewModel
import vn.sachxanh.state.FormTarget
import vn.sachxanh.state.HomeViewModel
import vn.sachxanh.state.HouseholdsViewModel
import vn.sachxanh.state.OutboxViewModel
import vn.sachxanh.state.RecordFormUiState
import vn.sachxanh.state.RecordFormViewModel
import vn.sachxanh.state.ReviewQueueViewModel
import vn.sachxanh.state.SyncController
import vn.sachxanh.state.TokenStore
import java.time.Clock
import kotlin.coroutines.CoroutineContext

/** What the screens share for the app's lifetime. */
class AppServices(
    val core: SachxanhInterface,
    val tokens: TokenStore,
    /** The one sync controller of the app (home, outbox, review and the background worker). */
    val sync: SyncController,
    val clock: Clock,
    /** Where blocking core calls run (`Dispatchers.IO`). */
    val io: CoroutineDispatcher,
    /** Outlives every screen: photo work finishes after its form is gone. */
    val appScope: CoroutineScope,
    /** Where a screen's state holder runs (`Dispatchers.Main.immediate` on Android). */
    val uiContext: CoroutineContext,
    /** A record was saved on the phone: have it sent soon (WorkManager on Android). */
    val onSaved: () -> Unit = {},
)

/** The app's places. */
sealed interface Destination {
    /** [again]: the token was refused, forget it and ask for a new code. */
    data class Enrol(val again: Boolean = false) : Destination
    data object Home : Destination
    data class Households(val areaId: String? = null) : Destination

    /** The household picker of the form [formKey] (an [Navigator.Entry.key]) for its field [path]. */
    data class PickHousehold(val formKey: Long, val path: String, val areaId: String) : Destination
    data class Form(val target: FormTarget) : Destination
    data object Covenants : Destination
    data object Outbox : Destination
    data object Review : Destination
}

/**
 * The back stack: one entry per screen on it, each with its state holder living in the entry's
 * own scope, cancelled when the entry leaves the stack. Platform-neutral: the Android app keeps
 * it in a ViewModel (so it outlives a rotation) and sends the system back to [back]; the JVM
 * tests drive it through the screens.
 */
class Navigator(private val services: AppServices, start: Destination = Destination.Enrol()) {
    inner class Entry(val key: Long, val destination: Destination) {
        val scope = CoroutineScope(SupervisorJob() + services.uiContext)
        val holder: Any = create(destination, scope)
    }

    private var keys = 0L
    val stack = mutableStateListOf<Entry>()

    init {
        stack += Entry(++keys, start)
    }

    val top: Entry get() = stack.last()

    fun go(destination: Destination) {
        stack += Entry(++keys, destination)
    }

    /** Starts over at [destination] (enrolled: home; the token refused: enrolment). */
    fun reset(destination: Destination) {
        stack.toList().forEach(::dispose)
        stack.clear()
        stack += Entry(++keys, destination)
    }

    /** Back one screen; `false` at the first screen (the app closes). */
    fun back(): Boolean {
        if (stack.size <= 1) return false
        dispose(stack.removeAt(stack.lastIndex))
        // Back from a form or a list: counts and lists may have changed.
        when (val h = top.holder) {
            is HomeViewModel -> h.refresh()
            is HouseholdsViewModel -> h.refresh()
            is CovenantViewModel -> h.refresh()
            is OutboxViewModel -> h.refresh()
            is ReviewQueueViewModel -> h.refresh()
        }
        return true
    }

    /** The app is gone for good: every screen's state holder stops (photo work goes on in the app's scope). */
    fun close() {
        stack.toList().forEach(::dispose)
    }

    /** The app came back to the front: what the top screen lists may have changed. */
    fun resumed() {
        when (val h = top.holder) {
            is HomeViewModel -> h.refresh()
            is OutboxViewModel -> h.refresh()
        }
    }

    private fun dispose(entry: Entry) {
        // A form left unsaved: the photos taken for it are forgotten (in the app's scope).
        (entry.holder as? RecordFormViewModel)?.let { if (it.state.value !is RecordFormUiState.Saved) it.abandon() }
        entry.scope.cancel()
    }

    private fun create(d: Destination, scope: CoroutineScope): Any = with(services) {
        when (d) {
            is Destination.Enrol -> EnrolViewModel(core, tokens, scope, io, startOver = d.again)
            Destination.Home -> HomeViewModel(core, sync, scope, io)
            is Destination.Households -> HouseholdsViewModel(core, scope, io, areaId = d.areaId)
            is Destination.PickHousehold -> HouseholdsViewModel(core, scope, io, areaId = d.areaId)
            is Destination.Form -> RecordFormViewModel(
                core, clock, scope, io, d.target.kind,
                recordId = d.target.recordId, areaId = d.target.areaId, householdId = d.target.householdId, photoScope = appScope,
            )
            Destination.Covenants -> CovenantViewModel(core, scope, io)
            Destination.Outbox -> OutboxViewModel(core, sync, scope, io)
            Destination.Review -> ReviewQueueViewModel(core, sync, scope, io)
        }
    }

    fun formOf(key: Long): RecordFormViewModel? = stack.firstOrNull { it.key == key }?.holder as? RecordFormViewModel
}

/** The app: the screen on top of the back stack. */
@Composable
fun SachxanhApp(nav: Navigator, services: AppServices) {
    val entry = nav.top
    key(entry.key) { Destinations(entry, nav, services) }
}

@Composable
private fun Destinations(entry: Navigator.Entry, nav: Navigator, services: AppServices) {
    val back = { nav.back(); Unit }
    val openForm = { target: FormTarget -> nav.go(Destination.Form(target)) }
    when (val d = entry.destination) {
        is Destination.Enrol -> EnrolScreen(entry.holder as EnrolViewModel, onEnrolled = { nav.reset(Destination.Home) })
        Destination.Home -> HomeScreen(
            entry.holder as HomeViewModel,
            HomeActions(
                onNew = { kind, area -> openForm(FormTarget(kind, areaId = area)) },
                onOpen = openForm,
                onHouseholds = { nav.go(Destination.Households(it)) },
                onCovenants = { nav.go(Destination.Covenants) },
                onOutbox = { nav.go(Destination.Outbox) },
                onReview = { nav.go(Destination.Review) },
                onEnrolAgain = { nav.reset(Destination.Enrol(again = true)) },
            ),
        )
        is Destination.Households -> HouseholdsScreen(entry.holder as HouseholdsViewModel, onOpen = openForm, onBack = back)
        is Destination.PickHousehold -> HouseholdsScreen(
            entry.holder as HouseholdsViewModel,
            onOpen = openForm,
            onBack = back,
            onPick = { row ->
                nav.formOf(d.formKey)?.pickHousehold(d.path, row.id)
                nav.back()
            },
        )
        is Destination.Form -> {
            val vm = entry.holder as RecordFormViewModel
            val events = androidx.compose.runtime.remember(vm) {
                vm.events(
                    onPickHousehold = { path, area -> nav.go(Destination.PickHousehold(entry.key, path, area)) },
                    onOpenHousehold = { id, area -> openForm(FormTarget(vm.kind, id, area)) },
                )
            }
            RecordFormScreen(vm, events, onSaved = { services.onSaved(); nav.back() }, onBack = back)
        }
        Destination.Covenants -> CovenantScreen(entry.holder as CovenantViewModel, onOpen = openForm, onBack = back)
        Destination.Outbox -> OutboxScreen(entry.holder as OutboxViewModel, onOpen = openForm, onBack = back)
        Destination.Review -> ReviewQueueScreen(entry.holder as ReviewQueueViewModel, onBack = back)
    }
}
