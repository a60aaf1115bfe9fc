"""deepframe's stages on Spark executors.

deepframe ships this module to a Spark Connect session as a ``pyfiles/`` artifact, together with its packed
Node.js worker (an ``archives/`` artifact) and the files its stages name (``files/`` artifacts). A deepframe
stage then runs as Spark's map-in-Arrow function (``mapInArrow``): the UDF's pickled command names
:func:`make_runner` of this module with the stage's configuration (JSON), so that nothing but plain data crosses
from the driver; see ``src/engine/spark/executors/pickle.ts``.

Per task (one partition), the function that :func:`make_runner` returns:

1. starts the packed worker, ``<worker>/bin/node <worker>/dist/src/worker/main.js --stdio``, once;
2. writes the stdio framing on its stdin from a writer thread: ``DFW1``, the header's length (uint32 LE), the
   header ``{"spec", "partitionIndex"}`` as UTF-8 JSON, then one Arrow IPC stream of the partition's batches,
   cut to at most ``batchSize`` rows, with the columns the stage reads as vectors turned from Spark's
   ``list<float>`` into ``fixed_size_list<float>[N]`` (Spark has no fixed-size lists);
3. reads the worker's Arrow IPC stream from its stdout on the calling thread, one output batch per input batch,
   appends the stage's columns to the batch it was sent when the stage only returns new columns
   (``appendToInput``), casts what Spark cannot read (vectors back to ``list<float>``) to the declared Spark
   type, and yields each batch as soon as it arrives.

Memory stays bounded: batches stream through, and the pipes' back-pressure keeps the writer at most a few
batches ahead of the reader. A worker that exits with a non-zero status fails the task with
:class:`DeepframeStageError`, whose message is deepframe's error (the JSON line the worker wrote on stderr);
Spark retries the task up to ``spark.task.maxFailures`` times, each attempt with a new worker.

Only the standard library and pyarrow (which pyspark's Arrow UDFs require anyway) are used.
"""

from __future__ import annotations

import collections
import json
import os
import struct
import subprocess
import sys
import threading
from typing import Any, Dict, Iterator, List, Optional

CONFIG_VERSION = 1
"""The version of the configuration that the driver sends; a runner refuses any other."""

FILE_PREFIX = "deepframe-file:"
"""A string in a stage spec that starts with this names a file shipped as a ``files/`` artifact."""

MAGIC = b"DFW1"
"""The first four bytes of the worker's stdin (``src/worker/stdioFraming.ts``)."""

ERROR_MARKER = "deepframe-error: "
"""What precedes deepframe's error, as one line of JSON, in a failed task's message; the driver parses it."""

_STDERR_TAIL_LINES = 40


class DeepframeStageError(RuntimeError):
    """A deepframe stage failed on an executor.

    ``str(error)`` is ``[ERROR_CLASS] message`` followed by a line ``deepframe-error: {json}`` that carries the
    error class, message, parameters and class name, so that the driver can raise the same deepframe error.
    """

    def __init__(self, wire: Dict[str, Any], detail: str = "") -> None:
        self.wire = wire
        marker = {k: wire[k] for k in ("errorClass", "message", "messageParameters", "name") if k in wire}
        text = "[%s] %s\n%s%s" % (
            wire.get("errorClass", "WORKER_ERROR"),
            wire.get("message", ""),
            ERROR_MARKER,
            json.dumps(marker, ensure_ascii=True, separators=(",", ":")),
        )
        if detail:
            text += "\n" + detail
        super().__init__(text)


def _error(error_class: str, message: str, name: str = "ExecutionError", **parameters: Any) -> DeepframeStageError:
    return DeepframeStageError(
        {
            "errorClass": error_class,
            "message": message,
            "messageParameters": {k: str(v) for k, v in parameters.items()},
            "name": name,
        }
    )


def _read_config(config_json: str, what: str) -> Dict[str, Any]:
    """The driver's configuration, checked to be of the version this module reads."""
    config = json.loads(config_json)
    if config.get("version") != CONFIG_VERSION:
        raise _error(
            "EXECUTOR_VERSION_MISMATCH",
            "The driver sent a %s configuration of version %r, but this executor module reads version %d. "
            "Run the same deepframe on the driver and in the shipped module." % (what, config.get("version"), CONFIG_VERSION),
            "SparkError",
            expected=CONFIG_VERSION,
            actual=config.get("version"),
        )
    return config


def make_runner(config_json: str):
    """The map-in-Arrow function of one deepframe stage: ``Iterator[RecordBatch] -> Iterator[RecordBatch]``.

    ``config_json`` is the JSON that ``src/engine/spark/executors/stageRelation.ts`` writes::

        {
          "version": 1,
          "spec": {...},                  # the stage spec; shipped files as "deepframe-file:<name>"
          "stage": "onnx stage",          # the stage, for messages
          "worker": {"alias": "deepframe-worker-<hash>"} | {"path": "/opt/deepframe-worker"},
          "batchSize": 64,                # rows per batch sent to the worker, at most
          "appendToInput": true,          # the worker returns only new columns, appended to the batch sent
          "vectors": {"features": 512},   # input columns the stage reads as vectors, and their sizes
          "outputColumns": ["prediction"],# the columns the worker must return, in order
          "outputType": {...},            # the Spark type (JSON) of the rows that Spark receives
          "linkNodeModules": false        # let shipped stage modules import the worker's packages
        }

    Example (what the pickled command does on the executor)::

        run = make_runner('{"version": 1, ...}')
        for out in run(iter(batches)):
            ...
    """
    config = _read_config(config_json, "stage")

    def deepframe_stage(batches):
        return _run(config, batches)

    deepframe_stage.__name__ = "deepframe_stage"
    deepframe_stage.__qualname__ = "deepframe_stage"
    return deepframe_stage


def make_gang_runner(config_json: str):
    """The map-in-Arrow function of a deepframe gang: data-parallel training in Spark's barrier mode.

    The driver sends it with ``MapPartitions{is_barrier: true}`` over the training rows, one partition per worker,
    so that Spark starts every task at once or none. ``config_json`` is what :func:`make_runner` reads, with a
    ``dataParallel`` stage spec. Per task, the function:

    1. opens a listening TCP socket on the executor's address (port chosen by the system);
    2. trades addresses with the other tasks through ``BarrierTaskContext.allGather`` (in partition order, so
       the list's index is the worker's rank);
    3. starts the Node.js worker with that socket (inherited as a file descriptor) and a header that adds
       ``{"gang": {"rank", "size", "peers": ["host:port", ...], "listenFd"}}``, streams the partition's rows to it
       (even none: every member of a gang must join), and yields what it returns (one row per worker).

    The workers then find each other over TCP and train in lockstep. When a task fails (its worker died, an
    executor was lost), Spark fails the whole barrier stage and starts it again; the workers resume from the
    last checkpoint that rank 0 wrote.
    """
    config = _read_config(config_json, "gang")

    def deepframe_gang(batches):
        import socket

        from pyspark import BarrierTaskContext

        context = BarrierTaskContext.get()
        infos = context.getTaskInfos()
        rank = int(context.partitionId())
        host = infos[rank].address.rsplit(":", 1)[0] if infos[rank].address else "127.0.0.1"
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind((host, 0))
            listener.listen(len(infos))
            port = listener.getsockname()[1]
            peers = context.allGather("%s:%d" % (host, port))
            gang = {
                "rank": rank,
                "size": len(infos),
                "peers": list(peers),
                "listenFd": listener.fileno(),
            }
            for out in _run(config, batches, gang=gang, pass_fds=(listener.fileno(),)):
                yield out
        finally:
            listener.close()

    deepframe_gang.__name__ = "deepframe_gang"
    deepframe_gang.__qualname__ = "deepframe_gang"
    return deepframe_gang


def make_scalar_udf(config_json: str):
    """A SQL function backed by a deepframe stage, as a scalar Arrow iterator UDF (``SQL_SCALAR_ARROW_ITER_UDF``,
    Spark 4.1+): ``Iterator[pa.Array | tuple[pa.Array, ...]] -> Iterator[pa.Array]``.

    ``config_json`` is what ``make_runner`` reads (see there), with ``appendToInput`` false and one output column,
    plus::

        {
          "arguments": ["image"],                 # the stage's input columns, in the function's argument order
          "overloads": [                          # the first whose argument kinds match the first batch runs
            {"argKinds": ["struct"], "spec": {...}, "vectors": {}},
            {"argKinds": ["string"], "spec": {...}, "vectors": {}}
          ]
        }

    Example (what the pickled command does on the executor)::

        f = make_scalar_udf('{"version": 1, ...}')
        for result in f(iter(arrays)):
            ...
    """
    config = _read_config(config_json, "function")
    names = list(config.get("arguments") or [])

    def deepframe_function(arrays):
        import itertools

        import pyarrow as pa

        def batches():
            for item in arrays:
                columns = list(item) if isinstance(item, (tuple, list)) else [item]
                # A function of undeclared arguments takes any: arg0, arg1, …
                labels = names if names else ["arg%d" % i for i in range(len(columns))]
                yield pa.RecordBatch.from_arrays(columns, names=labels)

        source = batches()
        first = next(source, None)
        if first is None:
            return
        overload = _pick_overload(config, first)
        spec = overload["spec"]
        if spec.get("kind") == "scalarFunction":
            spec = dict(spec, arguments=list(first.schema.names))
        stage_config = dict(config, spec=spec, vectors=overload.get("vectors") or {})
        casts = overload.get("casts")
        inputs = itertools.chain([first], source)
        if casts:
            # Declared argument types: Spark passes what the call gives (1.8 is a decimal), the function gets these.
            targets = [arrow_type(t) for t in casts]
            inputs = (
                pa.RecordBatch.from_arrays(
                    [_cast_argument(c, t, n, stage_config["stage"]) for c, t, n in zip(b.columns, targets, b.schema.names)],
                    names=b.schema.names,
                )
                for b in inputs
            )
        try:
            for out in _run(stage_config, inputs):
                yield out.column(0)
        except DeepframeStageError as e:
            # Say which function failed, as the embedded engine does.
            wire = dict(e.wire)
            wire["message"] = "%s: %s" % (config.get("stage", "SQL function"), wire.get("message", ""))
            raise DeepframeStageError(wire) from e

    deepframe_function.__name__ = "deepframe_function"
    deepframe_function.__qualname__ = "deepframe_function"
    return deepframe_function


def _cast_argument(array, target, name: str, stage: str):
    if array.type.equals(target):
        return array
    try:
        return array.cast(target)
    except Exception as e:
        raise _error(
            "DATATYPE_MISMATCH",
            "The %s takes argument %s as %s; the call gave %s, which does not convert: %s"
            % (stage, name, target, array.type, e),
            "SchemaError",
            argument=name,
        )


def _arrow_kind(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_struct(arrow_type):
        return "struct"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type):
        return "list"
    return str(arrow_type)


def _pick_overload(config: Dict[str, Any], batch) -> Dict[str, Any]:
    kinds = [_arrow_kind(column.type) for column in batch.columns]
    for overload in config["overloads"]:
        if list(overload["argKinds"]) == kinds or list(overload["argKinds"]) == ["*"]:
            return overload
    raise _error(
        "DATATYPE_MISMATCH",
        "The %s takes (%s); it was called with (%s)."
        % (
            config.get("stage", "function"),
            " | ".join(", ".join(o["argKinds"]) for o in config["overloads"]),
            ", ".join(kinds),
        ),
        "SchemaError",
    )


# ---------------------------------------------------------------------------------------------- where things are


def files_root() -> str:
    """The folder of the session's shipped files (and unpacked archives) on this executor.

    With Spark Connect, each session's artifacts land in a folder of their own under the executor's SparkFiles
    root (``<work dir>/<session uuid>/``); pyspark's worker gives it as ``SparkFiles.getRootDirectory()``, which
    is also where this module was imported from.
    """
    try:
        from pyspark.core.files import SparkFiles  # type: ignore[import-not-found]

        root = SparkFiles.getRootDirectory()
        if root:
            return os.path.normpath(root)
    except Exception:  # pragma: no cover - pyspark without the core package, or not on a worker
        pass
    return os.path.dirname(os.path.abspath(__file__))


def _resolve_files(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return os.path.join(root, value[len(FILE_PREFIX) :]) if value.startswith(FILE_PREFIX) else value
    if isinstance(value, list):
        return [_resolve_files(v, root) for v in value]
    if isinstance(value, dict):
        return {k: _resolve_files(v, root) for k, v in value.items()}
    return value


def worker_dir(config: Dict[str, Any], root: str) -> str:
    """The folder of the unpacked worker archive on this executor."""
    worker = config["worker"]
    return worker["path"] if "path" in worker else os.path.join(root, worker["alias"])


def worker_command(config: Dict[str, Any], root: str) -> List[str]:
    """The command line that starts the stdio worker."""
    home = worker_dir(config, root)
    node = os.path.join(home, "bin", "node")
    main = os.path.join(home, "dist", "src", "worker", "main.js")
    if not os.path.isfile(node) or not os.path.isfile(main):
        raise _error(
            "WORKER_NOT_FOUND",
            "The deepframe worker is not at '%s' on this executor (looked for bin/node and "
            "dist/src/worker/main.js). The session ships it as an archive; with deepframe.spark.workerDir, "
            "unpack 'deepframe pack-worker' output there on every executor." % home,
            "SparkError",
            path=home,
        )
    if not os.access(node, os.X_OK):
        try:
            os.chmod(node, 0o755)
        except OSError:
            pass
    return [node, main, "--stdio"]


def link_node_modules(config: Dict[str, Any], root: str) -> None:
    """Makes the worker's packages importable from the shipped files: ``<root>/node_modules`` links to them.

    A module stage's file is shipped alone, into ``root``; its ``import ... from 'apache-arrow'`` then finds the
    worker archive's packages, as Node looks for ``node_modules`` next to the importing file. Made once per
    session folder, atomically (tasks run side by side); an existing ``node_modules`` is left alone.
    """
    link = os.path.join(root, "node_modules")
    if os.path.lexists(link):
        return
    target = os.path.join(worker_dir(config, root), "node_modules")
    temporary = "%s.%d.%d" % (link, os.getpid(), threading.get_ident())
    try:
        os.symlink(target, temporary)
        os.replace(temporary, link)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------- Arrow types


def arrow_type(spark_type: Any):
    """The Arrow type that Spark reads for a Spark type in its JSON form (``"long"``, ``{"type": "array", …}``)."""
    import pyarrow as pa

    if isinstance(spark_type, str):
        simple = {
            "boolean": pa.bool_(),
            "byte": pa.int8(),
            "short": pa.int16(),
            "integer": pa.int32(),
            "long": pa.int64(),
            "float": pa.float32(),
            "double": pa.float64(),
            "string": pa.string(),
            "binary": pa.binary(),
            "date": pa.date32(),
            "timestamp": pa.timestamp("us", tz="UTC"),
            "void": pa.null(),
        }
        if spark_type not in simple:
            raise _error("UNSUPPORTED_DATA_TYPE", "A stage cannot return Spark type %s." % spark_type, "SparkError")
        return simple[spark_type]
    kind = spark_type.get("type")
    if kind == "array":
        element = pa.field("element", arrow_type(spark_type["elementType"]), spark_type.get("containsNull", True))
        return pa.list_(element)
    if kind == "struct":
        return pa.struct(
            [pa.field(f["name"], arrow_type(f["type"]), f.get("nullable", True)) for f in spark_type["fields"]]
        )
    raise _error("UNSUPPORTED_DATA_TYPE", "A stage cannot return Spark type %s." % json.dumps(spark_type), "SparkError")


def _cast_column(array, target, column: str, stage: str):
    if array.type.equals(target):
        return array
    try:
        return array.cast(target)
    except Exception as e:
        raise _error(
            "STAGE_OUTPUT_TYPE_MISMATCH",
            "The %s returned column '%s' as %s, which does not convert to the declared %s: %s"
            % (stage, column, array.type, target, e),
            "SchemaError",
            column=column,
            actual=array.type,
            expected=target,
        )


def to_worker(batch, vectors: Dict[str, int], stage: str):
    """``batch`` as the worker reads it: the vector columns as ``fixed_size_list<float>[N]``."""
    import pyarrow as pa

    if not vectors:
        return batch
    columns = list(batch.columns)
    names = batch.schema.names
    for i, name in enumerate(names):
        size = vectors.get(name)
        if size is None or pa.types.is_fixed_size_list(columns[i].type):
            continue
        target = pa.list_(pa.field("element", pa.float32(), False), size)
        try:
            columns[i] = columns[i].cast(target)
        except Exception as e:
            raise _error(
                "VECTOR_SIZE_MISMATCH",
                "The %s reads column '%s' as vector<%d>, but a row of it does not hold %d floats (%s). "
                "Check the column's arrays, for example with size(col) = %d." % (stage, name, size, size, e, size),
                "SchemaError",
                column=name,
                expected=size,
            )
    return pa.RecordBatch.from_arrays(columns, names=names)


def slices(batch, rows: int) -> Iterator[Any]:
    """``batch`` cut into batches of at most ``rows`` rows (zero-copy slices)."""
    if batch.num_rows <= rows:
        yield batch
        return
    for offset in range(0, batch.num_rows, rows):
        yield batch.slice(offset, rows)


# ---------------------------------------------------------------------------------------------- the task


def _stderr_pump(stream, tail: "collections.deque[str]", errors: List[Dict[str, Any]]) -> None:
    """Forwards the worker's stderr to the executor's, keeping its last lines and deepframe's error line."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        tail.append(line)
        if line.startswith("{") and '"errorClass"' in line:
            try:
                parsed = json.loads(line)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict) and "errorClass" in parsed and "message" in parsed:
                errors.append(parsed)
                continue
        try:
            sys.stderr.write("[deepframe worker] %s\n" % line)
        except Exception:  # pragma: no cover - the executor's stderr is gone
            pass
    stream.close()


def _partition_index() -> int:
    try:
        from pyspark import TaskContext

        context = TaskContext.get()
        return int(context.partitionId()) if context is not None else -1
    except Exception:  # pragma: no cover - outside a Spark task
        return -1


def _run(config: Dict[str, Any], batches, gang: Optional[Dict[str, Any]] = None, pass_fds=()) -> Iterator[Any]:
    import pyarrow as pa

    stage = config.get("stage", "stage")
    source = iter(batches)
    first = next(source, None)
    if first is None and gang is None:
        # An empty partition: no worker to start, no rows to return (a gang's member joins all the same).
        return

    root = files_root()
    spec = _resolve_files(config["spec"], root)
    batch_size = max(1, int(config.get("batchSize", 4096)))
    vectors = {str(k): int(v) for k, v in (config.get("vectors") or {}).items()}
    append = bool(config.get("appendToInput"))
    expected_columns = list(config.get("outputColumns") or [])
    target = arrow_type(config["outputType"]) if "outputType" in config else None

    if config.get("linkNodeModules"):
        link_node_modules(config, root)
    header_json = {"spec": spec, "partitionIndex": _partition_index()}
    if gang is not None:
        header_json["gang"] = gang
    header = json.dumps(header_json, separators=(",", ":")).encode()
    command = worker_command(config, root)
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=root,
        close_fds=True,
        pass_fds=tuple(pass_fds),
    )
    tail: "collections.deque[str]" = collections.deque(maxlen=_STDERR_TAIL_LINES)
    wire_errors: List[Dict[str, Any]] = []
    stderr_thread = threading.Thread(
        target=_stderr_pump, args=(process.stderr, tail, wire_errors), name="deepframe-stderr", daemon=True
    )
    stderr_thread.start()

    sent: "collections.deque[Any]" = collections.deque()
    writer_failure: List[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        sink = process.stdin
        writer = None
        try:
            sink.write(MAGIC + struct.pack("<I", len(header)) + header)
            batch = first
            while batch is not None and not stop.is_set():
                for piece in slices(batch, batch_size):
                    converted = to_worker(piece, vectors, stage)
                    if writer is None:
                        writer = pa.ipc.new_stream(sink, converted.schema)
                    if append:
                        sent.append(piece)
                    writer.write_batch(converted)
                batch = next(source, None)
            if writer is not None and not stop.is_set():
                writer.close()
        except BaseException as e:  # noqa: BLE001 - reported by the reading thread
            writer_failure.append(e)
        finally:
            try:
                sink.close()
            except Exception:
                pass

    writer_thread = threading.Thread(target=write, name="deepframe-stdin", daemon=True)
    writer_thread.start()

    def failure(read_error: Optional[BaseException]) -> BaseException:
        """What went wrong, the most telling first: our own input handling, then the worker's own error."""
        own = [e for e in writer_failure if not isinstance(e, (BrokenPipeError, ConnectionResetError, OSError))]
        if own:
            return own[0]
        if isinstance(read_error, DeepframeStageError):
            return read_error
        try:
            status = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        stderr_thread.join(timeout=10)
        if wire_errors:
            return DeepframeStageError(wire_errors[-1])
        if status != 0:
            how = "was killed by signal %d" % -status if status < 0 else "exited with status %d" % status
            return _error(
                "WORKER_EXITED",
                "The deepframe worker running the %s %s without reporting an error (pid %d). "
                "Its last output on stderr: %s"
                % (stage, how, process.pid, " | ".join(tail) if tail else "(none)"),
                status=status,
            )
        if writer_failure:
            return writer_failure[0]
        return read_error if read_error is not None else _error("WORKER_FAILED", "The worker failed.")

    finished = False
    try:
        try:
            reader = pa.ipc.open_stream(process.stdout)
            for out in reader:
                if append:
                    if not sent:
                        raise _error(
                            "STAGE_BATCHES_MISMATCH",
                            "The %s returned more batches than it was sent." % stage,
                        )
                    piece = sent.popleft()
                    if out.num_rows != piece.num_rows:
                        raise _error(
                            "STAGE_ROWS_MISMATCH",
                            "A stage returned %d rows for a batch of %d; a stage that appends columns must return "
                            "one row per input row." % (out.num_rows, piece.num_rows),
                            expected=piece.num_rows,
                            actual=out.num_rows,
                        )
                names = (piece.schema.names if append else []) + out.schema.names
                if expected_columns and names != expected_columns:
                    raise _error(
                        "STAGE_OUTPUT_MISMATCH",
                        "A %s returned columns [%s] but declared [%s]."
                        % (config["spec"].get("kind", "deepframe") + " stage", ", ".join(names), ", ".join(expected_columns)),
                        "SchemaError",
                        expected=",".join(expected_columns),
                        actual=",".join(names),
                    )
                if append:
                    out = pa.RecordBatch.from_arrays(list(piece.columns) + list(out.columns), names=names)
                if target is not None:
                    out = pa.RecordBatch.from_arrays(
                        [
                            _cast_column(out.column(i), target.field(i).type, target.field(i).name, stage)
                            for i in range(out.num_columns)
                        ],
                        names=out.schema.names,
                    )
                yield out
        except DeepframeStageError:
            raise
        except Exception as e:
            raise failure(e) from e
        writer_thread.join()
        if writer_failure or process.wait() != 0 or wire_errors:
            raise failure(None)
        finished = True
    finally:
        if not finished:
            stop.set()
            if process.poll() is None:
                process.kill()
        for stream in (process.stdout, process.stdin):
            try:
                stream.close()
            except Exception:
                pass
        process.wait()
        writer_thread.join(timeout=10)
        stderr_thread.join(timeout=10)
