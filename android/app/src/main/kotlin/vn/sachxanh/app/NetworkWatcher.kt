package vn.sachxanh.app

import android.content.Context
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.os.PowerManager
import vn.sachxanh.core.Network
import vn.sachxanh.state.SyncController
import android.net.Network as AndroidNetwork

/**
 * Tells the sync controller what network the phone has (Wi-Fi or paid mobile data) and whether
 * the battery saver is on; the core decides from that when to sync.
 */
class NetworkWatcher(private val context: Context, private val sync: SyncController) {
    private val connectivity = context.getSystemService(ConnectivityManager::class.java)

    private fun of(caps: NetworkCapabilities?): Network = when {
        caps == null || !caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET) -> Network.NONE
        caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED) -> Network.UNMETERED
        else -> Network.METERED
    }

    fun start() {
        sync.onNetworkChanged(of(connectivity.getNetworkCapabilities(connectivity.activeNetwork)))
        connectivity.registerDefaultNetworkCallback(
            object : ConnectivityManager.NetworkCallback() {
                override fun onCapabilitiesChanged(network: AndroidNetwork, caps: NetworkCapabilities) {
                    sync.onNetworkChanged(of(caps))
                }

                override fun onLost(network: AndroidNetwork) {
                    sync.onNetworkChanged(Network.NONE)
                }
            },
        )
        val power = context.getSystemService(PowerManager::class.java)
        sync.onBatterySaverChanged(power.isPowerSaveMode)
    }
}
