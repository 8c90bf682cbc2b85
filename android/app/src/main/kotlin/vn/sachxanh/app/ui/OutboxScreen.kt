package vn.sachxanh.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import vn.sachxanh.app.R
import vn.sachxanh.state.OutboxItem
import vn.sachxanh.state.OutboxUiState
import vn.sachxanh.state.OutboxViewModel
import vn.sachxanh.state.RefusedItem
import vn.sachxanh.state.SyncUiState

@Composable
fun OutboxScreen(vm: OutboxViewModel, onOpen: (OutboxItem) -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsStateWithLifecycle()
    LifecycleResumeEffect(Unit) {
        vm.refresh()
        onPauseOrDispose { }
    }
    Screen(
        title = stringResource(R.string.outbox_title),
        onBack = onBack,
        actions = {
            val running = (state as? OutboxUiState.Content)?.sync is SyncUiState.Running
            TextButton(onClick = vm::syncNow, enabled = !running) { Text(stringResource(R.string.sync_now)) }
        },
    ) { padding ->
        when (val s = state) {
            OutboxUiState.Loading -> Loading(padding)
            is OutboxUiState.Error -> ErrorMessage(s.message, onRetry = vm::refresh, padding = padding)
            is OutboxUiState.Empty -> Column(Modifier.padding(padding)) {
                OfflineBanner(s.offlineMessage)
                EmptyMessage(stringResource(R.string.outbox_empty))
            }
            is OutboxUiState.Content -> LazyColumn(Modifier.fillMaxSize().padding(padding)) {
                item { OfflineBanner(s.offlineMessage) }
                item {
                    Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                        Text(stringResource(R.string.outbox_unsent, s.unsentCount), style = MaterialTheme.typography.bodyLarge)
                        SyncActivity(s.sync, onCancel = vm::cancelSync)
                    }
                }
                items(s.refused, key = { "refused-" + it.recordId }) { r -> RefusedCard(r) { vm.dismissRefused(r.recordId) } }
                items(s.items, key = { it.id }) { item -> OutboxRow(item, onOpen) }
            }
        }
    }
}

@Composable
private fun RefusedCard(r: RefusedItem, onDismiss: () -> Unit) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(
                stringResource(R.string.refused_title, r.kind?.let { stringResource(it.label()) } ?: stringResource(R.string.kind_other)),
                style = MaterialTheme.typography.titleSmall,
            )
            Text(r.message.show(), style = MaterialTheme.typography.bodyLarge)
            TextButton(onClick = onDismiss) { Text(stringResource(R.string.refused_dismiss)) }
        }
    }
}

@Composable
private fun OutboxRow(item: OutboxItem, onOpen: (OutboxItem) -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp).clickable { onOpen(item) }) {
        Column(Modifier.padding(12.dp)) {
            Text("${stringResource(item.kind.label())} · ${item.title}", style = MaterialTheme.typography.bodyLarge)
            Text(
                listOfNotNull(
                    stringResource(item.status.label()),
                    item.areaName,
                    if (item.unsent) stringResource(R.string.outbox_not_sent) else stringResource(R.string.outbox_sent),
                ).joinToString(" · "),
                style = MaterialTheme.typography.bodyMedium,
                color = if (item.unsent) MaterialTheme.colorScheme.tertiary else MaterialTheme.colorScheme.onSurfaceVariant,
            )
            if (item.inConflict) Text(stringResource(R.string.form_conflicts), color = MaterialTheme.colorScheme.error)
            item.reviewerReason?.let { Text(stringResource(R.string.reviewer_reason_inline, it), color = MaterialTheme.colorScheme.error) }
        }
    }
}
