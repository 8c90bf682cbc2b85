package vn.sachxanh.app.ui

import androidx.compose.runtime.Composable
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import androidx.navigation.NavBackStackEntry
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import kotlinx.coroutines.CoroutineScope
import vn.sachxanh.app.AppGraph
import vn.sachxanh.app.LocationSource
import vn.sachxanh.app.PhotoFiles
import vn.sachxanh.app.SyncWorker
import vn.sachxanh.core.RecordKind
import vn.sachxanh.state.BlackSpotViewModel
import vn.sachxanh.state.CleanupViewModel
import vn.sachxanh.state.CovenantViewModel
import vn.sachxanh.state.EnrolViewModel
import vn.sachxanh.state.HomeViewModel
import vn.sachxanh.state.HouseholdFormViewModel
import vn.sachxanh.state.HouseholdsViewModel
import vn.sachxanh.state.OutboxViewModel
import vn.sachxanh.state.ReviewQueueViewModel
import vn.sachxanh.state.SortingCheckViewModel

/**
 * Keeps a plain-Kotlin state holder across configuration changes, living in the destination's
 * viewModelScope: the state layer stays free of android.*, the app still gets lifecycle.
 */
class StateHolderViewModel(create: (CoroutineScope) -> Any, private val cleared: (Any) -> Unit = {}) : ViewModel() {
    val holder: Any = create(viewModelScope)

    /** The destination left the back stack for good (not a rotation): [cleared] tidies up. */
    override fun onCleared() = cleared(holder)
}

@Composable
inline fun <reified T : Any> rememberHolder(
    noinline onCleared: (T) -> Unit = {},
    noinline create: (CoroutineScope) -> T,
): T {
    val vm = viewModel<StateHolderViewModel>(
        key = T::class.java.name,
        factory = viewModelFactory { initializer { StateHolderViewModel(create) { onCleared(it as T) } } },
    )
    return vm.holder as T
}

object Routes {
    const val ENROL = "enrol?again={again}"
    const val HOME = "home"
    const val HOUSEHOLDS = "households"
    const val HOUSEHOLD_FORM = "household?area={area}&id={id}"
    const val SORTING_CHECK = "sortingCheck?household={household}&check={check}"
    const val CLEANUP = "cleanup?area={area}&id={id}"
    const val BLACK_SPOT = "blackSpot?area={area}&id={id}"
    const val COVENANT = "covenant"
    const val OUTBOX = "outbox"
    const val REVIEW = "review"

    fun enrol(again: Boolean) = "enrol?again=$again"
    fun householdForm(area: String, id: String? = null) = "household?area=$area" + (id?.let { "&id=$it" } ?: "")
    fun sortingCheck(household: String? = null, check: String? = null) =
        "sortingCheck?" + listOfNotNull(household?.let { "household=$it" }, check?.let { "check=$it" }).joinToString("&")
    fun cleanup(area: String? = null, id: String? = null) =
        "cleanup?" + listOfNotNull(area?.let { "area=$it" }, id?.let { "id=$it" }).joinToString("&")
    fun blackSpot(area: String? = null, id: String? = null) =
        "blackSpot?" + listOfNotNull(area?.let { "area=$it" }, id?.let { "id=$it" }).joinToString("&")
}

private fun optional(name: String) = navArgument(name) {
    type = NavType.StringType
    nullable = true
    defaultValue = null
}

private fun NavBackStackEntry.arg(name: String): String? = arguments?.getString(name)

/** Opens a record from a list (home's to-do, the outbox) in its form. */
@Suppress("REDUNDANT_ELSE_IN_WHEN")
private fun NavHostController.openRecord(kind: RecordKind, id: String, areaId: String?) {
    when (kind) {
        RecordKind.HOUSEHOLD -> navigate(Routes.householdForm(areaId.orEmpty(), id))
        RecordKind.SORTING_CHECK -> navigate(Routes.sortingCheck(check = id))
        RecordKind.CLEANUP -> navigate(Routes.cleanup(id = id))
        RecordKind.COVENANT -> navigate(Routes.COVENANT)
        RecordKind.BLACK_SPOT -> navigate(Routes.blackSpot(id = id))
        // Kinds without a screen in this version (collection points, briefings, …): the
        // outbox still lists them with their state.
        else -> navigate(Routes.OUTBOX)
    }
}

@Composable
fun SachxanhNavHost(graph: AppGraph) {
    val nav = rememberNavController()
    val context = LocalContext.current
    val sendSoon = { SyncWorker.sendSoon(context, graph.sync.policy) }

    NavHost(navController = nav, startDestination = Routes.ENROL) {
        composable(Routes.ENROL, arguments = listOf(navArgument("again") { type = NavType.BoolType; defaultValue = false })) { entry ->
            val again = entry.arguments?.getBoolean("again") ?: false
            val vm = rememberHolder { scope -> EnrolViewModel(graph.core, graph.tokens, scope, graph.io, startOver = again) }
            EnrolScreen(vm, onEnrolled = {
                nav.navigate(Routes.HOME) { popUpTo(Routes.ENROL) { inclusive = true } }
            })
        }
        composable(Routes.HOME) {
            val vm = rememberHolder { scope -> HomeViewModel(graph.core, graph.sync, scope, graph.io) }
            HomeScreen(
                vm,
                onHouseholds = { nav.navigate(Routes.HOUSEHOLDS) },
                onNewCleanup = { area -> nav.navigate(Routes.cleanup(area = area)) },
                onNewBlackSpot = { nav.navigate(Routes.blackSpot()) },
                onCovenants = { nav.navigate(Routes.COVENANT) },
                onOutbox = { nav.navigate(Routes.OUTBOX) },
                onReview = { nav.navigate(Routes.REVIEW) },
                onOpen = { item -> nav.openRecord(item.kind, item.id, null) },
                onEnrolAgain = { nav.navigate(Routes.enrol(again = true)) { popUpTo(Routes.HOME) { inclusive = true } } },
            )
        }
        composable(Routes.HOUSEHOLDS) {
            val vm = rememberHolder { scope -> HouseholdsViewModel(graph.core, scope, graph.io) }
            HouseholdsScreen(
                vm,
                onAdd = { area -> nav.navigate(Routes.householdForm(area)) },
                onOpen = { row -> nav.navigate(Routes.householdForm(row.areaId, row.id)) },
                onCheck = { row -> nav.navigate(Routes.sortingCheck(household = row.id)) },
                onBack = { nav.popBackStack() },
            )
        }
        composable(Routes.HOUSEHOLD_FORM, arguments = listOf(optional("area"), optional("id"))) { entry ->
            val vm = rememberHolder { scope ->
                HouseholdFormViewModel(graph.core, scope, graph.io, entry.arg("area").orEmpty(), entry.arg("id"))
            }
            HouseholdFormScreen(vm, LocationSource(context), onSaved = { sendSoon(); nav.popBackStack() }, onBack = { nav.popBackStack() })
        }
        composable(Routes.SORTING_CHECK, arguments = listOf(optional("household"), optional("check"))) { entry ->
            val vm = rememberHolder { scope ->
                SortingCheckViewModel(graph.core, graph.clock, scope, graph.io, entry.arg("household"), entry.arg("check"))
            }
            SortingCheckScreen(vm, onSaved = { sendSoon(); nav.popBackStack() }, onBack = { nav.popBackStack() })
        }
        composable(Routes.CLEANUP, arguments = listOf(optional("area"), optional("id"))) { entry ->
            // Left without saving (back, or closed): the photos taken for it are forgotten, in the
            // app's scope since the screen's is gone by then.
            val vm = rememberHolder(onCleared = CleanupViewModel::abandon) { scope ->
                CleanupViewModel(
                    graph.core, graph.clock, scope, graph.io,
                    cleanupId = entry.arg("id"), areaId = entry.arg("area"), photoScope = graph.scope,
                )
            }
            CleanupScreen(vm, graph.outlines, LocationSource(context), PhotoFiles(context), onSaved = { sendSoon(); nav.popBackStack() }, onBack = { nav.popBackStack() })
        }
        composable(Routes.BLACK_SPOT, arguments = listOf(optional("area"), optional("id"))) { entry ->
            // As the cleanup: photos of a form left unsaved are forgotten, in the app's scope.
            val vm = rememberHolder(onCleared = BlackSpotViewModel::abandon) { scope ->
                BlackSpotViewModel(
                    graph.core, graph.clock, scope, graph.io,
                    spotId = entry.arg("id"), areaId = entry.arg("area"), photoScope = graph.scope,
                )
            }
            BlackSpotScreen(vm, graph.outlines, LocationSource(context), PhotoFiles(context), onSaved = { sendSoon(); nav.popBackStack() }, onBack = { nav.popBackStack() })
        }
        composable(Routes.COVENANT) {
            val vm = rememberHolder { scope -> CovenantViewModel(graph.core, scope, graph.io) }
            CovenantScreen(vm, onSaved = sendSoon, onBack = { nav.popBackStack() })
        }
        composable(Routes.OUTBOX) {
            val vm = rememberHolder { scope -> OutboxViewModel(graph.core, graph.sync, scope, graph.io) }
            OutboxScreen(vm, onOpen = { item -> nav.openRecord(item.kind, item.id, null) }, onBack = { nav.popBackStack() })
        }
        composable(Routes.REVIEW) {
            val vm = rememberHolder { scope -> ReviewQueueViewModel(graph.core, graph.sync, scope, graph.io) }
            ReviewQueueScreen(vm, onBack = { nav.popBackStack() })
        }
    }
}
