package vn.sachxanh.app

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import vn.sachxanh.core.AfterRun
import vn.sachxanh.state.SyncController
import java.util.concurrent.TimeUnit

/**
 * Background sync. Whether to run, retry or stop is the core's decision (through
 * SyncController.runInBackground); this only hands it to WorkManager, which waits for a network
 * and backs off exponentially.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val sync = (applicationContext as SachxanhApp).graph.sync
        return when (sync.runInBackground(runAttemptCount)) {
            is AfterRun.Retry -> Result.retry()
            AfterRun.Stop -> Result.failure()
            else -> Result.success()
        }
    }

    companion object {
        private const val PERIODIC = "sachxanh-sync"
        private const val SOON = "sachxanh-send-soon"

        private val networkOnly = Constraints.Builder()
            .setRequiredNetworkType(NetworkType.CONNECTED)
            .build()

        /** Looks for staff decisions every few hours (the core's period), and sends what waits. */
        fun schedulePeriodic(context: Context, sync: SyncController) {
            val request = PeriodicWorkRequestBuilder<SyncWorker>(sync.periodMs, TimeUnit.MILLISECONDS)
                .setConstraints(networkOnly)
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, sync.firstBackoffMs, TimeUnit.MILLISECONDS)
                .build()
            WorkManager.getInstance(context).enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.UPDATE, request)
        }

        /** After a save: send it as soon as there is a network, even if the app is closed. */
        fun sendSoon(context: Context, sync: SyncController) {
            val request = OneTimeWorkRequestBuilder<SyncWorker>()
                .setConstraints(networkOnly)
                .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, sync.firstBackoffMs, TimeUnit.MILLISECONDS)
                .build()
            // Appended, never replacing: a running sync is not cut off to start another.
            WorkManager.getInstance(context).enqueueUniqueWork(SOON, ExistingWorkPolicy.APPEND_OR_REPLACE, request)
        }
    }
}
