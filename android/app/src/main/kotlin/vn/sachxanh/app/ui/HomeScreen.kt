package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.RecordKind
import vn.sachxanh.state.AreaCard
import vn.sachxanh.state.FormTarget
import vn.sachxanh.state.HomeUiState
import vn.sachxanh.state.HomeViewModel
import vn.sachxanh.state.SyncSummary
import vn.sachxanh.state.TodoItem

/** Where home leads. */
class HomeActions(
    val onNew: (kind: RecordKind, areaId: String?) -> Unit = { _, _ -> },
    val onOpen: (FormTarget) -> Unit = {},
    val onHouseholds: (areaId: String) -> Unit = {},
    val onCovenants: () -> Unit = {},
    val onOutbox: () -> Unit = {},
    val onReview: () -> Unit = {},
    val onEnrolAgain: () -> Unit = {},
    val onSync: () -> Unit = {},
    val onCancelSync: () -> Unit = {},
    val onRetry: () -> Unit = {},
)

@Composable
fun HomeScreen(vm: HomeViewModel, actions: HomeActions) {
    val state by vm.state.collectAsState()
    HomeContent(
        state,
        HomeActions(
            onNew = actions.onNew, onOpen = actions.onOpen, onHouseholds = actions.onHouseholds, onCovenants = actions.onCovenants,
            onOutbox = actions.onOutbox, onReview = actions.onReview, onEnrolAgain = actions.onEnrolAgain,
            onSync = vm::syncNow, onCancelSync = vm::cancelSync, onRetry = vm::refresh,
        ),
    )
}

@Composable
fun HomeContent(state: HomeUiState, actions: HomeActions) {
    Screen(title = tr("app_name"), onBack = null) {
        when (val s = state) {
            HomeUiState.Loading -> Loading()
            is HomeUiState.Error -> ErrorMessage(s.message, onRetry = actions.onRetry)
            is HomeUiState.NotEnrolled -> Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
                Text(s.message?.show() ?: tr("not_enrolled"), style = MaterialTheme.typography.bodyLarge)
                Button(onClick = actions.onEnrolAgain) { Text(tr("enrol_again")) }
            }
            is HomeUiState.Ready -> LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = PaddingValues(horizontal = 16.dp, vertical = 8.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                item {
                    Column {
                        Text(s.person.name, style = MaterialTheme.typography.titleLarge)
                        Text(s.roleLabel.show(), style = MaterialTheme.typography.bodyMedium)
                    }
                }
                item { OfflineBanner(s.sync.offlineMessage) }
                item { SyncCard(s.sync, actions) }
                item { SectionTitle(tr("home_todo")) }
                if (s.nothingToDo) item { Text(tr("home_nothing_to_do"), style = MaterialTheme.typography.bodyLarge) }
                if (s.sync.refused > 0) {
                    item {
                        RecordCard(tr("home_refused", s.sync.refused), emptyList(), onClick = actions.onOutbox)
                    }
                }
                items(s.todo, key = { it.id }) { todo -> TodoRow(todo) { actions.onOpen(todo.target) } }
                if (s.newRecord.isNotEmpty()) {
                    item { SectionTitle(tr("home_new_record")) }
                    item { NewRecordMenu(s, actions) }
                }
                item { SectionTitle(tr("home_my_areas")) }
                items(s.areas, key = { it.area.id }) { area -> AreaRow(area, s, actions) }
                item { HomeLinks(s.reviewWaiting, actions) }
            }
        }
    }
}

@Composable
private fun SyncCard(sync: SyncSummary, actions: HomeActions) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(lastSyncText(sync.lastSyncMs), style = MaterialTheme.typography.bodyMedium)
            Text(
                if (sync.waiting == 0L) tr("sync_nothing_waiting") else tr("sync_waiting", sync.waiting),
                style = MaterialTheme.typography.bodyLarge,
            )
            // Photos go after the records and take longest on 2G: say how many still wait.
            if (sync.photosWaiting > 0) Text(tr("sync_photos_waiting", sync.photosWaiting), style = MaterialTheme.typography.bodyMedium)
            // Records are dated by the server's time meanwhile; the person is asked to set the clock.
            sync.clockSkew?.let { Text(it.show(), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.error) }
            // People on prepaid 2G/3G pay by the megabyte: what sync cost this month.
            sync.dataUse?.let { Text(it.show(), style = MaterialTheme.typography.bodySmall) }
            SyncActivity(sync.activity, actions.onCancelSync)
            SyncNowButton(sync.activity, actions.onSync)
        }
    }
}

@Composable
private fun TodoRow(todo: TodoItem, onOpen: () -> Unit) {
    RecordCard(
        heading = "${todo.kindLabel.show()} · ${todo.title.show()}",
        lines = listOf(listOfNotNull(todo.statusLabel.show(), todo.areaName).joinToString(" · ")),
        onClick = onOpen,
    ) {
        if (todo.inConflict) Text(tr("form_conflicts"), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
        todo.reviewerReason?.let { Text(tr("reviewer_reason_inline", it), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
    }
}

/** The kinds this person may record (the core's capabilities), each a new form. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun NewRecordMenu(s: HomeUiState.Ready, actions: HomeActions) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(0.dp)) {
        s.newRecord.forEach { k -> OutlinedButton(onClick = { actions.onNew(k.kind, null) }) { Text(k.label.show()) } }
    }
}

@Composable
private fun AreaRow(card: AreaCard, s: HomeUiState.Ready, actions: HomeActions) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(card.area.name, style = MaterialTheme.typography.titleMedium)
            card.figures?.let { f ->
                Text(tr("figures_households", f.households.toLong(), f.householdsChecked.toLong(), f.householdsSortingAll.toLong()), style = MaterialTheme.typography.bodyMedium)
                Text(tr("figures_cleanups", f.cleanups.toLong(), f.participants.toLong(), f.wasteKg), style = MaterialTheme.typography.bodyMedium)
            }
            card.covenantLabel?.let { Text(tr("figures_covenant", it.show()), style = MaterialTheme.typography.bodyMedium) }
            @OptIn(ExperimentalLayoutApi::class)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { actions.onHouseholds(card.area.id) }) { Text(tr("households_open")) }
                // A cleanup in this hamlet, when the person may record one.
                s.newRecord.firstOrNull { it.kind == RecordKind.CLEANUP }?.let { k ->
                    OutlinedButton(onClick = { actions.onNew(k.kind, card.area.id) }) { Text(k.label.show()) }
                }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun HomeLinks(reviewWaiting: Int?, actions: HomeActions) {
    FlowRow(Modifier.fillMaxWidth().padding(vertical = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(onClick = actions.onOutbox) { Text(tr("outbox_title")) }
        OutlinedButton(onClick = actions.onCovenants) { Text(tr("covenant_title")) }
        // Only reviewers get a count: the core's capabilities decide who reviews.
        if (reviewWaiting != null) Button(onClick = actions.onReview) { Text(tr("review_open", reviewWaiting)) }
    }
}
