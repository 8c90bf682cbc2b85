package vn.sachxanh.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.state.FormTarget
import vn.sachxanh.state.OutboxItem
import vn.sachxanh.state.OutboxUiState
import vn.sachxanh.state.OutboxViewModel
import vn.sachxanh.state.RefusedDetail
import vn.sachxanh.state.RefusedItem

class OutboxActions(
    val onOpen: (FormTarget) -> Unit = {},
    val onBack: () -> Unit = {},
    val onSync: () -> Unit = {},
    val onCancelSync: () -> Unit = {},
    val onDismissRefused: (String) -> Unit = {},
    val onOpenRefused: (String) -> Unit = {},
    val onCloseRefused: () -> Unit = {},
    val onRetry: () -> Unit = {},
)

@Composable
fun OutboxScreen(vm: OutboxViewModel, onOpen: (FormTarget) -> Unit, onBack: () -> Unit) {
    val state by vm.state.collectAsState()
    OutboxContent(
        state,
        OutboxActions(
            onOpen = onOpen, onBack = onBack, onSync = vm::syncNow, onCancelSync = vm::cancelSync,
            onDismissRefused = vm::dismissRefused, onOpenRefused = vm::openRefused, onCloseRefused = vm::closeRefused, onRetry = vm::refresh,
        ),
    )
}

/** Everything recorded on this phone, newest first; what the server refused above it. */
@Composable
fun OutboxContent(state: OutboxUiState, actions: OutboxActions) {
    Screen(title = tr("outbox_title"), onBack = actions.onBack) {
        when (val s = state) {
            OutboxUiState.Loading -> Loading()
            is OutboxUiState.Error -> ErrorMessage(s.message, onRetry = actions.onRetry)
            is OutboxUiState.Empty -> Column(Modifier.padding(16.dp)) {
                OfflineBanner(s.offlineMessage)
                EmptyMessage(tr("outbox_empty"))
            }
            is OutboxUiState.Content -> LazyColumn(
                Modifier.fillMaxSize(),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                item { OfflineBanner(s.offlineMessage) }
                item {
                    Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
                        Text(tr("outbox_unsent", s.unsentCount), style = MaterialTheme.typography.bodyLarge)
                        SyncActivity(s.sync, onCancel = actions.onCancelSync)
                        SyncNowButton(s.sync, actions.onSync)
                    }
                }
                s.refusedDetail?.let { d -> item { RefusedDetailCard(d, actions) } }
                items(s.refused, key = { "refused-" + it.recordId }) { r -> RefusedCard(r, actions) }
                items(s.items, key = { it.id }) { item -> OutboxRow(item) { actions.onOpen(item.target) } }
            }
        }
    }
}

@Composable
private fun RefusedCard(r: RefusedItem, actions: OutboxActions) {
    Notice(MaterialTheme.colorScheme.errorContainer) {
        val on = MaterialTheme.colorScheme.onErrorContainer
        Text(tr("refused_title", r.kindLabel?.show() ?: tr("kind_other")), style = MaterialTheme.typography.titleSmall, color = on)
        Text(r.message.show(), style = MaterialTheme.typography.bodyLarge, color = on)
        r.problems.forEach { Text("• " + it.show(), style = MaterialTheme.typography.bodyMedium, color = on) }
        Column {
            TextButton(onClick = { actions.onOpenRefused(r.recordId) }) { Text(tr("refused_show")) }
            OutlinedButton(onClick = { actions.onDismissRefused(r.recordId) }) { Text(tr("refused_dismiss")) }
        }
    }
}

/** What was sent, in words, next to the server's reason: to record it again correctly. */
@Composable
private fun RefusedDetailCard(d: RefusedDetail, actions: OutboxActions) {
    Notice(MaterialTheme.colorScheme.surfaceContainerHigh) {
        Text(tr("refused_sent_values"), style = MaterialTheme.typography.titleSmall)
        d.fields.forEach { f -> Text("${f.label.show()}: ${f.value.show()}", style = MaterialTheme.typography.bodyMedium) }
        TextButton(onClick = actions.onCloseRefused) { Text(tr("close")) }
    }
}

@Composable
private fun OutboxRow(item: OutboxItem, onOpen: () -> Unit) {
    RecordCard(
        heading = "${item.kindLabel.show()} · ${item.title.show()}",
        lines = listOf(listOfNotNull(item.statusLabel.show(), item.areaName).joinToString(" · ")),
        onClick = onOpen,
    ) {
        Text(
            if (item.unsent) tr("outbox_not_sent") else tr("outbox_sent"),
            style = MaterialTheme.typography.labelLarge,
            color = if (item.unsent) MaterialTheme.colorScheme.tertiary else MaterialTheme.colorScheme.onSurfaceVariant,
        )
        if (item.inConflict) Text(tr("form_conflicts"), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
        item.reviewerReason?.let { Text(tr("reviewer_reason_inline", it), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) }
    }
}
