package vn.sachxanh.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.item
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.state.AreaCard
import vn.sachxanh.state.HomeUiState
import vn.sachxanh.state.HomeViewModel
import vn.sachxanh.state.SyncSummary
import vn.sachxanh.state.SyncUiState
import vn.sachxanh.state.TodoItem

@Composable
fun HomeScreen(
    vm: HomeViewModel,
    onHouseholds: () -> Unit,
    onNewCleanup: (areaId: String) -> Unit,
    onNewBlackSpot: () -> Unit,
    onCovenants: () -> Unit,
    onOutbox: () -> Unit,
    onReview: () -> Unit,
    onOpen: (TodoItem) -> Unit,
    onEnrolAgain: () -> Unit,
) {
    val state by vm.state.collectAsStateWithLifecycle()
    // Back from a form: counts and the to-do list have changed.
    LifecycleResumeEffect(Unit) {
        vm.refresh()
        onPauseOrDispose { }
    }
    Screen(title = stringResource(R.string.app_name), onBack = null) { padding ->
        when (val s = state) {
            HomeUiState.Loading -> Loading(padding)
            is HomeUiState.Error -> ErrorMessage(s.message, onRetry = vm::refresh, padding = padding)
            is HomeUiState.NotEnrolled -> Column(Modifier.fillMaxSize().padding(padding).padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
                Text(s.message?.show() ?: stringResource(R.string.not_enrolled), style = MaterialTheme.typography.bodyLarge)
                Button(onClick = onEnrolAgain) { Text(stringResource(R.string.enrol_again)) }
            }
            is HomeUiState.Ready -> LazyColumn(Modifier.fillMaxSize().padding(padding)) {
                item {
                    Column(Modifier.padding(16.dp)) {
                        Text(s.person.name, style = MaterialTheme.typography.titleLarge)
                        Text(stringResource(s.person.role.label()), style = MaterialTheme.typography.bodyMedium)
                    }
                }
                item { OfflineBanner(s.sync.offlineMessage) }
                item { SyncCard(s.sync, onSync = vm::syncNow, onCancel = vm::cancelSync, onOutbox = onOutbox) }
                item { SectionTitle(stringResource(R.string.home_todo)) }
                if (s.nothingToDo) {
                    item { Text(stringResource(R.string.home_nothing_to_do), modifier = Modifier.padding(horizontal = 16.dp)) }
                }
                if (s.sync.refused > 0) {
                    item {
                        Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp).clickable(onClick = onOutbox)) {
                            Text(stringResource(R.string.home_refused, s.sync.refused), color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(12.dp))
                        }
                    }
                }
                items(s.todo, key = { it.id }) { todo -> TodoRow(todo, onOpen) }
                item { SectionTitle(stringResource(R.string.home_my_areas)) }
                items(s.areas, key = { it.area.id }) { area -> AreaRow(area, onHouseholds, onNewCleanup) }
                item { HomeLinks(s.reviewWaiting, onNewBlackSpot, onCovenants, onOutbox, onReview) }
            }
        }
    }
}

@Composable
private fun SectionTitle(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(start = 16.dp, end = 16.dp, top = 20.dp, bottom = 8.dp))
}

@Composable
private fun SyncCard(sync: SyncSummary, onSync: () -> Unit, onCancel: () -> Unit, onOutbox: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(lastSyncText(sync.lastSyncMs))
            Text(
                if (sync.waiting == 0L) stringResource(R.string.sync_nothing_waiting) else stringResource(R.string.sync_waiting, sync.waiting),
                modifier = Modifier.clickable(onClick = onOutbox),
            )
            // Photos go after the records and take longest on 2G: say how many still wait.
            if (sync.photosWaiting > 0) Text(stringResource(R.string.sync_photos_waiting, sync.photosWaiting))
            SyncActivity(sync.activity, onCancel)
            if (sync.activity !is SyncUiState.Running) {
                Button(onClick = onSync) { Text(stringResource(R.string.sync_now)) }
            }
        }
    }
}

@Composable
private fun TodoRow(todo: TodoItem, onOpen: (TodoItem) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp).clickable { onOpen(todo) }) {
        Column(Modifier.padding(12.dp)) {
            Text("${stringResource(todo.kind.label())} · ${todo.title}", style = MaterialTheme.typography.bodyLarge)
            Text(listOfNotNull(stringResource(todo.why.label()), todo.areaName).joinToString(" · "), style = MaterialTheme.typography.bodyMedium)
            todo.reviewerReason?.let { Text(stringResource(R.string.reviewer_reason_inline, it), color = MaterialTheme.colorScheme.error) }
        }
    }
}

@Composable
private fun AreaRow(card: AreaCard, onHouseholds: () -> Unit, onNewCleanup: (String) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp)) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(card.area.name, style = MaterialTheme.typography.titleMedium)
            card.figures?.let { f ->
                Text(stringResource(R.string.figures_households, f.households.toLong(), f.householdsChecked.toLong(), f.householdsSortingAll.toLong()))
                Text(stringResource(R.string.figures_cleanups, f.cleanups.toLong(), f.participants.toLong(), f.wasteKg))
                Text(stringResource(R.string.figures_covenant, stringResource(f.covenant.label())))
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = onHouseholds) { Text(stringResource(R.string.households_title)) }
                OutlinedButton(onClick = { onNewCleanup(card.area.id) }) { Text(stringResource(R.string.cleanup_new)) }
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun HomeLinks(reviewWaiting: Int?, onNewBlackSpot: () -> Unit, onCovenants: () -> Unit, onOutbox: () -> Unit, onReview: () -> Unit) {
    FlowRow(Modifier.fillMaxWidth().padding(16.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        // Anyone may report a dump or a fire they pass, whatever else they came to do.
        OutlinedButton(onClick = onNewBlackSpot) { Text(stringResource(R.string.blackspot_new)) }
        OutlinedButton(onClick = onOutbox) { Text(stringResource(R.string.outbox_title)) }
        OutlinedButton(onClick = onCovenants) { Text(stringResource(R.string.covenant_title)) }
        // Only staff get a count: the state layer decides who reviews.
        if (reviewWaiting != null) {
            Button(onClick = onReview) { Text(stringResource(R.string.review_open, reviewWaiting)) }
        }
    }
}
