package vn.sachxanh.app.ui

import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import vn.sachxanh.core.AreaInfo
import vn.sachxanh.core.HouseholdRow
import vn.sachxanh.state.FormTarget
import vn.sachxanh.state.HouseholdsUiState
import vn.sachxanh.state.HouseholdsViewModel

/** What the households list leads to; [onPick] set: it is a form's household picker. */
class HouseholdsActions(
    val onOpen: (FormTarget) -> Unit = {},
    val onPick: ((HouseholdRow) -> Unit)? = null,
    val onBack: () -> Unit = {},
    val onQuery: (String) -> Unit = {},
    val onArea: (String) -> Unit = {},
    val onMore: () -> Unit = {},
    val onRetry: () -> Unit = {},
)

@Composable
fun HouseholdsScreen(vm: HouseholdsViewModel, onOpen: (FormTarget) -> Unit, onBack: () -> Unit, onPick: ((HouseholdRow) -> Unit)? = null) {
    val state by vm.state.collectAsState()
    // The field echoes keystrokes at once; the state holder searches after a pause.
    // Back from a form, the list is still the search typed before.
    var query by remember {
        mutableStateOf((vm.state.value as? HouseholdsUiState.Content)?.query ?: (vm.state.value as? HouseholdsUiState.Empty)?.query.orEmpty())
    }
    HouseholdsContent(
        state,
        query,
        add = if (onPick == null) vm.add() else null,
        check = { row -> if (onPick == null) vm.check(row) else null },
        open = vm::open,
        actions = HouseholdsActions(
            onOpen = onOpen,
            onPick = onPick,
            onBack = onBack,
            onQuery = { query = it; vm.onQueryChanged(it) },
            onArea = { query = ""; vm.selectArea(it) },
            onMore = vm::loadMore,
            onRetry = vm::refresh,
        ),
    )
}

@Composable
fun HouseholdsContent(
    state: HouseholdsUiState,
    query: String,
    /** "Add a household" here, when the person may. */
    add: FormTarget?,
    /** A row's sorting check, when the person may record one. */
    check: (HouseholdRow) -> FormTarget?,
    /** A row's own form. */
    open: (HouseholdRow) -> FormTarget,
    actions: HouseholdsActions,
) {
    val area: AreaInfo? = (state as? HouseholdsUiState.Content)?.area ?: (state as? HouseholdsUiState.Empty)?.area
    val areas: List<AreaInfo> = (state as? HouseholdsUiState.Content)?.areas ?: (state as? HouseholdsUiState.Empty)?.areas.orEmpty()
    val title = if (actions.onPick != null) tr("household_pick_title") else area?.name ?: tr("households_title")
    Screen(title = title, onBack = actions.onBack) {
        Column(Modifier.fillMaxSize()) {
            if (areas.size > 1) {
                Row(
                    Modifier.horizontalScroll(rememberScrollState()).padding(horizontal = 16.dp),
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    areas.forEach { a -> FilterChip(selected = a.id == area?.id, onClick = { actions.onArea(a.id) }, label = { Text(a.name) }) }
                }
            }
            OutlinedTextField(
                value = query,
                onValueChange = actions.onQuery,
                label = { Text(tr("households_search")) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
            )
            if (add != null) {
                OutlinedButton(onClick = { actions.onOpen(add) }, modifier = Modifier.padding(horizontal = 16.dp)) { Text(tr("household_add")) }
            }
            when (val s = state) {
                HouseholdsUiState.Loading -> Loading()
                HouseholdsUiState.NoAreas -> EmptyMessage(tr("households_no_areas"))
                is HouseholdsUiState.Error -> ErrorMessage(s.message, onRetry = actions.onRetry)
                is HouseholdsUiState.Empty -> EmptyMessage(if (s.query.isBlank()) tr("households_empty") else tr("households_none_match", s.query))
                is HouseholdsUiState.Content -> LazyColumn(
                    Modifier.fillMaxSize(),
                    contentPadding = PaddingValues(16.dp),
                    verticalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    items(s.items, key = { it.id }) { row -> HouseholdCard(row, check(row), open, actions) }
                    item {
                        // The end of the list came into view: the next page, with the core's cursor.
                        if (s.canLoadMore) LaunchedEffect(s.items.size) { actions.onMore() }
                        if (s.loadingMore) LinearProgressIndicator(Modifier.fillMaxWidth().padding(16.dp))
                        s.moreError?.let {
                            Column(Modifier.padding(16.dp)) {
                                Text(it.show(), color = MaterialTheme.colorScheme.error)
                                TextButton(onClick = actions.onMore) { Text(tr("retry")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun HouseholdCard(row: HouseholdRow, check: FormTarget?, open: (HouseholdRow) -> FormTarget, actions: HouseholdsActions) {
    val pick = actions.onPick
    RecordCard(
        heading = row.headName,
        lines = listOf(row.address, tr("household_line", row.members.toInt(), row.statusLabel.show())),
        onClick = if (pick != null) ({ pick(row) }) else ({ actions.onOpen(open(row)) }),
    ) {
        if (check != null) OutlinedButton(onClick = { actions.onOpen(check) }) { Text(tr("sorting_check_new")) }
    }
}
