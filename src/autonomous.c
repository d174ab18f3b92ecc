/*-------------------------------------------------------------------------
 *
 * autonomous.c
 *	  Recording a run in a transaction of its own, for the quality gate.
 *
 * vqc.assert_suite raises when a run fails, so that the caller's
 * transaction, which loaded the bad data, rolls back; the run's report
 * must survive that rollback.  PostgreSQL has no autonomous transactions,
 * so the run's writer (vqc._record_run_write) runs in a background worker:
 * the caller hands it the evaluated run through a dynamic shared memory
 * segment, waits for it to commit, and reads back the run's id.  The
 * worker connects to the caller's database as the bootstrap superuser,
 * then takes the extension owner's identity (as vqc_with_caller does for
 * the writers), so that the owner need not have LOGIN.  It sees only
 * committed data: a suite created or changed in the caller's uncommitted
 * transaction is not there for it.
 *
 * vqc._run_autonomous_write is called only by the write half of the gate,
 * as the extension's owner; its EXECUTE is revoked from PUBLIC, as every
 * writer's is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(vqc_run_autonomous_write);
PGDLLEXPORT void vqc_autonomous_main(Datum main_arg);

/* what the caller and the worker share */
typedef struct AutonomousRun
{
	Oid			database;
	Oid			owner;			/* the writer runs as this role */
	Oid			caller;			/* who ran the suite */
	int64		suite_id;
	int			sample_value_max_bytes; /* the caller's setting */
	bool		done;			/* set by the worker after its commit */
	int64		run_id;
	char		error[512];		/* the worker's error, when it failed */
	Size		ev_len;
	char		ev[FLEXIBLE_ARRAY_MEMBER];	/* the run, as jsonb text */
} AutonomousRun;

/*
 * vqc._run_autonomous_write(caller regrole, ev jsonb, suite_id bigint)
 * returns bigint: records the evaluated run ev with vqc._record_run_write
 * in a background worker's own transaction and returns the run's id once
 * that transaction committed.
 */
Datum
vqc_run_autonomous_write(PG_FUNCTION_ARGS)
{
	Oid			caller = PG_GETARG_OID(0);
	Jsonb	   *ev = PG_GETARG_JSONB_P(1);
	int64		suite_id = PG_GETARG_INT64(2);
	char	   *ev_text = JsonbToCString(NULL, &ev->root, VARSIZE(ev));
	Size		ev_len = strlen(ev_text);
	dsm_segment *seg;
	AutonomousRun *run;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	int64		run_id;

	seg = dsm_create(offsetof(AutonomousRun, ev) + ev_len + 1, 0);
	run = dsm_segment_address(seg);
	memset(run, 0, offsetof(AutonomousRun, ev));
	run->database = MyDatabaseId;
	run->owner = GetUserId();
	run->caller = caller;
	run->suite_id = suite_id;
	run->sample_value_max_bytes = pg_strtoint32(GetConfigOption("vqc.sample_value_max_bytes", false, false));
	run->ev_len = ev_len;
	memcpy(run->ev, ev_text, ev_len + 1);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "vqc");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "vqc_autonomous_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "vqc run recorder for PID %d", MyProcPid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "vqc run recorder");
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;

	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker to record the run"),
				 errdetail("The quality gate records its run in a transaction of its own, which needs a background worker slot."),
				 errhint("Raise max_worker_processes, or wait for running workers to finish.")));
	status = WaitForBackgroundWorkerShutdown(handle);
	if (status == BGWH_POSTMASTER_DIED)
		ereport(FATAL,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("postmaster exited while the run was being recorded")));
	pg_read_barrier();
	if (!run->done)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("could not record the run in its own transaction: %s",
						run->error[0] ? run->error : "the background worker stopped"),
				 errhint("The suite must be committed before the gate runs it.")));
	run_id = run->run_id;
	dsm_detach(seg);
	PG_RETURN_INT64(run_id);
}

/* The worker's transaction: vqc._record_run_write as the extension's owner. */
static int64
record_run(AutonomousRun *run)
{
	Oid			argtypes[3] = {REGROLEOID, TEXTOID, INT8OID};
	Datum		values[3];
	bool		isnull;
	int64		run_id;
	Oid			save_userid;
	int			save_sec_context;
	char		max_bytes[16];

	snprintf(max_bytes, sizeof(max_bytes), "%d", run->sample_value_max_bytes);
	SetConfigOption("vqc.sample_value_max_bytes", max_bytes, PGC_USERSET, PGC_S_SESSION);

	values[0] = ObjectIdGetDatum(run->caller);
	values[1] = PointerGetDatum(cstring_to_text_with_len(run->ev, run->ev_len));
	values[2] = Int64GetDatum(run->suite_id);

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(run->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT (vqc._record_run_write($1, $2::pg_catalog.jsonb, $3) "
							  "OPERATOR(pg_catalog.->>) 'run_id')::pg_catalog.int8",
							  3, argtypes, values, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "recording the run returned no run id");
	run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (isnull)
		elog(ERROR, "recording the run returned no run id");
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return run_id;
}

/* The background worker: records one run, then exits. */
void
vqc_autonomous_main(Datum main_arg)
{
	dsm_segment *seg;
	AutonomousRun *run;
	int64		run_id;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	seg = dsm_attach(DatumGetUInt32(main_arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the run to record")));
	run = dsm_segment_address(seg);
	BackgroundWorkerInitializeConnectionByOid(run->database, InvalidOid, 0);

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "recording a vqc run");
	PG_TRY();
	{
		run_id = record_run(run);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		strlcpy(run->error, edata->message ? edata->message : "unknown error", sizeof(run->error));
		PG_RE_THROW();
	}
	PG_END_TRY();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);

	run->run_id = run_id;
	pg_write_barrier();
	run->done = true;
	dsm_detach(seg);
	proc_exit(0);
}
