package vn.sachxanh.app

import android.content.Context
import android.net.ConnectivityManager
import android.net.Network as AndroidNetwork
import android.net.NetworkCapabilities
import vn.sachxanh.state.Network
import vn.sachxanh.state.SyncController

/** Tells the sync controller when the phone has a network, so it syncs as soon as it does. */
class NetworkWatcher(context: Context, private val sync: SyncController) {
    private val connectivity = context.getSystemService(ConnectivityManager::class.java)

    fun start() {
        sync.onNetworkChanged(if (connectivity.activeNetwork == null) Network.NONE else Network.CONNECTED)
        connectivity.registerDefaultNetworkCallback(
            object : ConnectivityManager.NetworkCallback() {
                override fun onCapabilitiesChanged(network: AndroidNetwork, caps: NetworkCapabilities) {
                    val usable = caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
                    sync.onNetworkChanged(if (usable) Network.CONNECTED else Network.NONE)
                }

                override fun onLost(network: AndroidNetwork) {
                    sync.onNetworkChanged(Network.NONE)
                }
            },
        )
    }
}
