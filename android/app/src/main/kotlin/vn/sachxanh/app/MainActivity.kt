package vn.sachxanh.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import vn.sachxanh.app.ui.SachxanhNavHost
import vn.sachxanh.app.ui.SachxanhTheme

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        val graph = (application as SachxanhApp).graph
        setContent {
            SachxanhTheme { SachxanhNavHost(graph) }
        }
    }
}
