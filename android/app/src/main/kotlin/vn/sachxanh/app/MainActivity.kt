package vn.sachxanh.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.OnBackPressedCallback
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import vn.sachxanh.app.ui.LocalDevices
import vn.sachxanh.app.ui.LocalUiStrings
import vn.sachxanh.app.ui.Navigator
import vn.sachxanh.app.ui.SachxanhApp
import vn.sachxanh.app.ui.SachxanhTheme

/** Keeps the back stack (and so every screen's state holder) across rotations. */
class NavigatorHolder : ViewModel() {
    var navigator: Navigator? = null

    /** The activity finished (not a rotation): the screens' state holders stop. */
    override fun onCleared() {
        navigator?.close()
    }
}

class MainActivity : ComponentActivity() {
    private lateinit var navigator: Navigator

    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        val graph = (application as SachxanhApp).graph
        val holder = ViewModelProvider(this)[NavigatorHolder::class.java]
        navigator = holder.navigator ?: Navigator(graph.services).also { holder.navigator = it }
        onBackPressedDispatcher.addCallback(
            this,
            object : OnBackPressedCallback(true) {
                override fun handleOnBackPressed() {
                    if (!navigator.back()) finish()
                }
            },
        )
        setContent {
            val context = LocalContext.current
            val strings = remember(context) { AndroidStrings(context) }
            val devices = remember(context) { AndroidDevices(context) }
            CompositionLocalProvider(LocalUiStrings provides strings, LocalDevices provides devices) {
                SachxanhTheme {
                    Box(Modifier.fillMaxSize().safeDrawingPadding()) { SachxanhApp(navigator, graph.services) }
                }
            }
        }
    }

    override fun onResume() {
        super.onResume()
        navigator.resumed()
    }
}
