package vn.sachxanh.app

import android.app.Application
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import vn.sachxanh.app.ui.AppServices
import vn.sachxanh.core.DeviceSettings
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.state.SyncController
import vn.sachxanh.state.TokenStore
import java.io.File
import java.time.Clock

/**
 * What lives as long as the process: the core's store, the token store, and the one sync
 * controller shared by the screens and the background worker.
 */
class AppGraph(private val app: Application) {
    val io = Dispatchers.IO
    val clock: Clock = Clock.systemDefaultZone()
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)
    val tokens: TokenStore = KeystoreTokenStore(app)

    /** The communes and areas (GeoJSON) the core validates against and draws outlines from. */
    private val referenceGeojson: String = app.assets.open("reference.geojson").bufferedReader().use { it.readText() }

    // Opening runs the store's migrations: a few milliseconds on a cheap phone, once per process.
    // Encrypted at rest with a key the Keystore seals; a store from before encryption is
    // encrypted in place on this first keyed open.
    private val storeFile = File(app.noBackupFilesDir, "sachxanh.db")
    val core: Sachxanh = Sachxanh.open(
        storeFile.path,
        DeviceSettings(BuildConfig.SERVER_URL, referenceGeojson, storeKey = StoreKey.forStore(app, storeFile)),
    )

    val sync = SyncController(core, clock, scope, io)

    val services = AppServices(
        core = core,
        tokens = tokens,
        sync = sync,
        clock = clock,
        io = io,
        appScope = scope,
        uiContext = Dispatchers.Main.immediate,
        // Saved on the phone: send it as soon as there is a network, even if the app is closed.
        onSaved = { SyncWorker.sendSoon(app, sync) },
    )
}

class SachxanhApp : Application() {
    lateinit var graph: AppGraph
        private set

    override fun onCreate() {
        super.onCreate()
        graph = AppGraph(this)
        NetworkWatcher(this, graph.sync).start()
        SyncWorker.schedulePeriodic(this, graph.sync)
    }
}
