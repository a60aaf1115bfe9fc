// Generated from the .proto files in this folder: do not edit by hand. To regenerate after changing a .proto file,
// run `DEEPFRAME_UPDATE_PROTO_DESCRIPTOR=1 node --test dist/test/spark/connect/protoDescriptor.test.js`.

/** A JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** The protobufjs JSON descriptor of deepframe's Spark Connect protocol subset (and the google.rpc error model). */
export const SPARK_CONNECT_DESCRIPTOR: { readonly [key: string]: JsonValue } = {
  nested: {
    spark: {
      nested: {
        connect: {
          nested: {
            Plan: {
              oneofs: {
                opType: {
                  oneof: ['root', 'command'],
                },
              },
              fields: {
                root: {
                  type: 'Relation',
                  id: 1,
                },
                command: {
                  type: 'Command',
                  id: 2,
                },
              },
            },
            UserContext: {
              fields: {
                userId: {
                  type: 'string',
                  id: 1,
                },
                userName: {
                  type: 'string',
                  id: 2,
                },
              },
            },
            AnalyzePlanRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                analyze: {
                  oneof: [
                    'schema',
                    'explain',
                    'treeString',
                    'sparkVersion',
                    'ddlParse',
                    'persist',
                    'unpersist',
                  ],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                clientType: {
                  type: 'string',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                schema: {
                  type: 'Schema',
                  id: 4,
                },
                explain: {
                  type: 'Explain',
                  id: 5,
                },
                treeString: {
                  type: 'TreeString',
                  id: 6,
                },
                sparkVersion: {
                  type: 'SparkVersion',
                  id: 10,
                },
                ddlParse: {
                  type: 'DDLParse',
                  id: 11,
                },
                persist: {
                  type: 'Persist',
                  id: 14,
                },
                unpersist: {
                  type: 'Unpersist',
                  id: 15,
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 17,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                Schema: {
                  fields: {
                    plan: {
                      type: 'Plan',
                      id: 1,
                    },
                  },
                },
                Explain: {
                  fields: {
                    plan: {
                      type: 'Plan',
                      id: 1,
                    },
                    explainMode: {
                      type: 'ExplainMode',
                      id: 2,
                    },
                  },
                  nested: {
                    ExplainMode: {
                      values: {
                        EXPLAIN_MODE_UNSPECIFIED: 0,
                        EXPLAIN_MODE_SIMPLE: 1,
                        EXPLAIN_MODE_EXTENDED: 2,
                        EXPLAIN_MODE_CODEGEN: 3,
                        EXPLAIN_MODE_COST: 4,
                        EXPLAIN_MODE_FORMATTED: 5,
                      },
                    },
                  },
                },
                TreeString: {
                  oneofs: {
                    _level: {
                      oneof: ['level'],
                    },
                  },
                  fields: {
                    plan: {
                      type: 'Plan',
                      id: 1,
                    },
                    level: {
                      type: 'int32',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                SparkVersion: {
                  fields: {},
                },
                DDLParse: {
                  fields: {
                    ddlString: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                Persist: {
                  oneofs: {
                    _storageLevel: {
                      oneof: ['storageLevel'],
                    },
                  },
                  fields: {
                    relation: {
                      type: 'Relation',
                      id: 1,
                    },
                    storageLevel: {
                      type: 'StorageLevel',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Unpersist: {
                  oneofs: {
                    _blocking: {
                      oneof: ['blocking'],
                    },
                  },
                  fields: {
                    relation: {
                      type: 'Relation',
                      id: 1,
                    },
                    blocking: {
                      type: 'bool',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
              },
            },
            AnalyzePlanResponse: {
              oneofs: {
                result: {
                  oneof: [
                    'schema',
                    'explain',
                    'treeString',
                    'sparkVersion',
                    'ddlParse',
                    'persist',
                    'unpersist',
                  ],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                schema: {
                  type: 'Schema',
                  id: 2,
                },
                explain: {
                  type: 'Explain',
                  id: 3,
                },
                treeString: {
                  type: 'TreeString',
                  id: 4,
                },
                sparkVersion: {
                  type: 'SparkVersion',
                  id: 8,
                },
                ddlParse: {
                  type: 'DDLParse',
                  id: 9,
                },
                persist: {
                  type: 'Persist',
                  id: 12,
                },
                unpersist: {
                  type: 'Unpersist',
                  id: 13,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 15,
                },
              },
              nested: {
                Schema: {
                  fields: {
                    schema: {
                      type: 'DataType',
                      id: 1,
                    },
                  },
                },
                Explain: {
                  fields: {
                    explainString: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                TreeString: {
                  fields: {
                    treeString: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                SparkVersion: {
                  fields: {
                    version: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                DDLParse: {
                  fields: {
                    parsed: {
                      type: 'DataType',
                      id: 1,
                    },
                  },
                },
                Persist: {
                  fields: {},
                },
                Unpersist: {
                  fields: {},
                },
              },
            },
            ExecutePlanRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                _operationId: {
                  oneof: ['operationId'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                plan: {
                  type: 'Plan',
                  id: 3,
                },
                clientType: {
                  type: 'string',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                requestOptions: {
                  rule: 'repeated',
                  type: 'RequestOption',
                  id: 5,
                },
                operationId: {
                  type: 'string',
                  id: 6,
                  options: {
                    proto3_optional: true,
                  },
                },
                tags: {
                  rule: 'repeated',
                  type: 'string',
                  id: 7,
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 8,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                RequestOption: {
                  oneofs: {
                    requestOption: {
                      oneof: ['reattachOptions'],
                    },
                  },
                  fields: {
                    reattachOptions: {
                      type: 'ReattachOptions',
                      id: 1,
                    },
                  },
                },
              },
            },
            ExecutePlanResponse: {
              oneofs: {
                responseType: {
                  oneof: [
                    'arrowBatch',
                    'sqlCommandResult',
                    'resultComplete',
                    'executionProgress',
                    'mlCommandResult',
                  ],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                arrowBatch: {
                  type: 'ArrowBatch',
                  id: 2,
                },
                sqlCommandResult: {
                  type: 'SqlCommandResult',
                  id: 5,
                },
                resultComplete: {
                  type: 'ResultComplete',
                  id: 14,
                },
                executionProgress: {
                  type: 'ExecutionProgress',
                  id: 18,
                },
                mlCommandResult: {
                  type: 'MlCommandResult',
                  id: 20,
                },
                metrics: {
                  type: 'Metrics',
                  id: 4,
                },
                schema: {
                  type: 'DataType',
                  id: 7,
                },
                operationId: {
                  type: 'string',
                  id: 12,
                },
                responseId: {
                  type: 'string',
                  id: 13,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 15,
                },
              },
              nested: {
                SqlCommandResult: {
                  fields: {
                    relation: {
                      type: 'Relation',
                      id: 1,
                    },
                  },
                },
                ArrowBatch: {
                  oneofs: {
                    _startOffset: {
                      oneof: ['startOffset'],
                    },
                  },
                  fields: {
                    rowCount: {
                      type: 'int64',
                      id: 1,
                    },
                    data: {
                      type: 'bytes',
                      id: 2,
                    },
                    startOffset: {
                      type: 'int64',
                      id: 3,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Metrics: {
                  fields: {
                    metrics: {
                      rule: 'repeated',
                      type: 'MetricObject',
                      id: 1,
                    },
                  },
                  nested: {
                    MetricObject: {
                      fields: {
                        name: {
                          type: 'string',
                          id: 1,
                        },
                        planId: {
                          type: 'int64',
                          id: 2,
                        },
                        parent: {
                          type: 'int64',
                          id: 3,
                        },
                        executionMetrics: {
                          keyType: 'string',
                          type: 'MetricValue',
                          id: 4,
                        },
                      },
                    },
                    MetricValue: {
                      fields: {
                        name: {
                          type: 'string',
                          id: 1,
                        },
                        value: {
                          type: 'int64',
                          id: 2,
                        },
                        metricType: {
                          type: 'string',
                          id: 3,
                        },
                      },
                    },
                  },
                },
                ResultComplete: {
                  fields: {},
                },
                ExecutionProgress: {
                  fields: {
                    stages: {
                      rule: 'repeated',
                      type: 'StageInfo',
                      id: 1,
                    },
                    numInflightTasks: {
                      type: 'int64',
                      id: 2,
                    },
                  },
                  nested: {
                    StageInfo: {
                      fields: {
                        stageId: {
                          type: 'int64',
                          id: 1,
                        },
                        numTasks: {
                          type: 'int64',
                          id: 2,
                        },
                        numCompletedTasks: {
                          type: 'int64',
                          id: 3,
                        },
                        inputBytesRead: {
                          type: 'int64',
                          id: 4,
                        },
                        done: {
                          type: 'bool',
                          id: 5,
                        },
                      },
                    },
                  },
                },
              },
            },
            KeyValue: {
              oneofs: {
                _value: {
                  oneof: ['value'],
                },
              },
              fields: {
                key: {
                  type: 'string',
                  id: 1,
                },
                value: {
                  type: 'string',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            ConfigRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                operation: {
                  type: 'Operation',
                  id: 3,
                },
                clientType: {
                  type: 'string',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 8,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                Operation: {
                  oneofs: {
                    opType: {
                      oneof: ['set', 'get', 'getWithDefault', 'getOption', 'getAll', 'unset', 'isModifiable'],
                    },
                  },
                  fields: {
                    set: {
                      type: 'Set',
                      id: 1,
                    },
                    get: {
                      type: 'Get',
                      id: 2,
                    },
                    getWithDefault: {
                      type: 'GetWithDefault',
                      id: 3,
                    },
                    getOption: {
                      type: 'GetOption',
                      id: 4,
                    },
                    getAll: {
                      type: 'GetAll',
                      id: 5,
                    },
                    unset: {
                      type: 'Unset',
                      id: 6,
                    },
                    isModifiable: {
                      type: 'IsModifiable',
                      id: 7,
                    },
                  },
                },
                Set: {
                  oneofs: {
                    _silent: {
                      oneof: ['silent'],
                    },
                  },
                  fields: {
                    pairs: {
                      rule: 'repeated',
                      type: 'KeyValue',
                      id: 1,
                    },
                    silent: {
                      type: 'bool',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Get: {
                  fields: {
                    keys: {
                      rule: 'repeated',
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                GetWithDefault: {
                  fields: {
                    pairs: {
                      rule: 'repeated',
                      type: 'KeyValue',
                      id: 1,
                    },
                  },
                },
                GetOption: {
                  fields: {
                    keys: {
                      rule: 'repeated',
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                GetAll: {
                  oneofs: {
                    _prefix: {
                      oneof: ['prefix'],
                    },
                  },
                  fields: {
                    prefix: {
                      type: 'string',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Unset: {
                  fields: {
                    keys: {
                      rule: 'repeated',
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                IsModifiable: {
                  fields: {
                    keys: {
                      rule: 'repeated',
                      type: 'string',
                      id: 1,
                    },
                  },
                },
              },
            },
            ConfigResponse: {
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                pairs: {
                  rule: 'repeated',
                  type: 'KeyValue',
                  id: 2,
                },
                warnings: {
                  rule: 'repeated',
                  type: 'string',
                  id: 3,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 4,
                },
              },
            },
            AddArtifactsRequest: {
              oneofs: {
                payload: {
                  oneof: ['batch', 'beginChunk', 'chunk'],
                },
                _clientType: {
                  oneof: ['clientType'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                batch: {
                  type: 'Batch',
                  id: 3,
                },
                beginChunk: {
                  type: 'BeginChunkedArtifact',
                  id: 4,
                },
                chunk: {
                  type: 'ArtifactChunk',
                  id: 5,
                },
                clientType: {
                  type: 'string',
                  id: 6,
                  options: {
                    proto3_optional: true,
                  },
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 7,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                ArtifactChunk: {
                  fields: {
                    data: {
                      type: 'bytes',
                      id: 1,
                    },
                    crc: {
                      type: 'int64',
                      id: 2,
                    },
                  },
                },
                SingleChunkArtifact: {
                  fields: {
                    name: {
                      type: 'string',
                      id: 1,
                    },
                    data: {
                      type: 'ArtifactChunk',
                      id: 2,
                    },
                  },
                },
                Batch: {
                  fields: {
                    artifacts: {
                      rule: 'repeated',
                      type: 'SingleChunkArtifact',
                      id: 1,
                    },
                  },
                },
                BeginChunkedArtifact: {
                  fields: {
                    name: {
                      type: 'string',
                      id: 1,
                    },
                    totalBytes: {
                      type: 'int64',
                      id: 2,
                    },
                    numChunks: {
                      type: 'int64',
                      id: 3,
                    },
                    initialChunk: {
                      type: 'ArtifactChunk',
                      id: 4,
                    },
                  },
                },
              },
            },
            AddArtifactsResponse: {
              fields: {
                artifacts: {
                  rule: 'repeated',
                  type: 'ArtifactSummary',
                  id: 1,
                },
                sessionId: {
                  type: 'string',
                  id: 2,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 3,
                },
              },
              nested: {
                ArtifactSummary: {
                  fields: {
                    name: {
                      type: 'string',
                      id: 1,
                    },
                    isCrcSuccessful: {
                      type: 'bool',
                      id: 2,
                    },
                  },
                },
              },
            },
            ArtifactStatusesRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                clientType: {
                  type: 'string',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                names: {
                  rule: 'repeated',
                  type: 'string',
                  id: 4,
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 5,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            ArtifactStatusesResponse: {
              fields: {
                statuses: {
                  keyType: 'string',
                  type: 'ArtifactStatus',
                  id: 1,
                },
                sessionId: {
                  type: 'string',
                  id: 2,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 3,
                },
              },
              nested: {
                ArtifactStatus: {
                  fields: {
                    exists: {
                      type: 'bool',
                      id: 1,
                    },
                  },
                },
              },
            },
            InterruptRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                interrupt: {
                  oneof: ['operationTag', 'operationId'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                clientType: {
                  type: 'string',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                interruptType: {
                  type: 'InterruptType',
                  id: 4,
                },
                operationTag: {
                  type: 'string',
                  id: 5,
                },
                operationId: {
                  type: 'string',
                  id: 6,
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 7,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                InterruptType: {
                  values: {
                    INTERRUPT_TYPE_UNSPECIFIED: 0,
                    INTERRUPT_TYPE_ALL: 1,
                    INTERRUPT_TYPE_TAG: 2,
                    INTERRUPT_TYPE_OPERATION_ID: 3,
                  },
                },
              },
            },
            InterruptResponse: {
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                interruptedIds: {
                  rule: 'repeated',
                  type: 'string',
                  id: 2,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 3,
                },
              },
            },
            ReattachOptions: {
              fields: {
                reattachable: {
                  type: 'bool',
                  id: 1,
                },
              },
            },
            ReattachExecuteRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                _lastResponseId: {
                  oneof: ['lastResponseId'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                operationId: {
                  type: 'string',
                  id: 3,
                },
                clientType: {
                  type: 'string',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                lastResponseId: {
                  type: 'string',
                  id: 5,
                  options: {
                    proto3_optional: true,
                  },
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 6,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            ReleaseExecuteRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                release: {
                  oneof: ['releaseAll', 'releaseUntil'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                operationId: {
                  type: 'string',
                  id: 3,
                },
                clientType: {
                  type: 'string',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                releaseAll: {
                  type: 'ReleaseAll',
                  id: 5,
                },
                releaseUntil: {
                  type: 'ReleaseUntil',
                  id: 6,
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 7,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                ReleaseAll: {
                  fields: {},
                },
                ReleaseUntil: {
                  fields: {
                    responseId: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
              },
            },
            ReleaseExecuteResponse: {
              oneofs: {
                _operationId: {
                  oneof: ['operationId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                operationId: {
                  type: 'string',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 3,
                },
              },
            },
            ReleaseSessionRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                clientType: {
                  type: 'string',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                allowReconnect: {
                  type: 'bool',
                  id: 4,
                },
              },
            },
            ReleaseSessionResponse: {
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 2,
                },
              },
            },
            FetchErrorDetailsRequest: {
              oneofs: {
                _clientType: {
                  oneof: ['clientType'],
                },
                _clientObservedServerSideSessionId: {
                  oneof: ['clientObservedServerSideSessionId'],
                },
              },
              fields: {
                sessionId: {
                  type: 'string',
                  id: 1,
                },
                userContext: {
                  type: 'UserContext',
                  id: 2,
                },
                errorId: {
                  type: 'string',
                  id: 3,
                },
                clientType: {
                  type: 'string',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                clientObservedServerSideSessionId: {
                  type: 'string',
                  id: 5,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            FetchErrorDetailsResponse: {
              oneofs: {
                _rootErrorIdx: {
                  oneof: ['rootErrorIdx'],
                },
              },
              fields: {
                rootErrorIdx: {
                  type: 'int32',
                  id: 1,
                  options: {
                    proto3_optional: true,
                  },
                },
                errors: {
                  rule: 'repeated',
                  type: 'Error',
                  id: 2,
                },
                serverSideSessionId: {
                  type: 'string',
                  id: 3,
                },
                sessionId: {
                  type: 'string',
                  id: 4,
                },
              },
              nested: {
                QueryContext: {
                  fields: {
                    objectType: {
                      type: 'string',
                      id: 1,
                    },
                    objectName: {
                      type: 'string',
                      id: 2,
                    },
                    startIndex: {
                      type: 'int32',
                      id: 3,
                    },
                    stopIndex: {
                      type: 'int32',
                      id: 4,
                    },
                    fragment: {
                      type: 'string',
                      id: 5,
                    },
                    callSite: {
                      type: 'string',
                      id: 6,
                    },
                    summary: {
                      type: 'string',
                      id: 7,
                    },
                    contextType: {
                      type: 'ContextType',
                      id: 10,
                    },
                  },
                  nested: {
                    ContextType: {
                      values: {
                        SQL: 0,
                        DATAFRAME: 1,
                      },
                    },
                  },
                },
                SparkThrowable: {
                  oneofs: {
                    _errorClass: {
                      oneof: ['errorClass'],
                    },
                    _sqlState: {
                      oneof: ['sqlState'],
                    },
                  },
                  fields: {
                    errorClass: {
                      type: 'string',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    messageParameters: {
                      keyType: 'string',
                      type: 'string',
                      id: 2,
                    },
                    queryContexts: {
                      rule: 'repeated',
                      type: 'QueryContext',
                      id: 3,
                    },
                    sqlState: {
                      type: 'string',
                      id: 4,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Error: {
                  oneofs: {
                    _causeIdx: {
                      oneof: ['causeIdx'],
                    },
                    _sparkThrowable: {
                      oneof: ['sparkThrowable'],
                    },
                  },
                  fields: {
                    errorTypeHierarchy: {
                      rule: 'repeated',
                      type: 'string',
                      id: 1,
                    },
                    message: {
                      type: 'string',
                      id: 2,
                    },
                    causeIdx: {
                      type: 'int32',
                      id: 4,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    sparkThrowable: {
                      type: 'SparkThrowable',
                      id: 5,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
              },
            },
            SparkConnectService: {
              methods: {
                ExecutePlan: {
                  requestType: 'ExecutePlanRequest',
                  responseType: 'ExecutePlanResponse',
                  responseStream: true,
                },
                AnalyzePlan: {
                  requestType: 'AnalyzePlanRequest',
                  responseType: 'AnalyzePlanResponse',
                },
                Config: {
                  requestType: 'ConfigRequest',
                  responseType: 'ConfigResponse',
                },
                AddArtifacts: {
                  requestType: 'AddArtifactsRequest',
                  requestStream: true,
                  responseType: 'AddArtifactsResponse',
                },
                ArtifactStatus: {
                  requestType: 'ArtifactStatusesRequest',
                  responseType: 'ArtifactStatusesResponse',
                },
                Interrupt: {
                  requestType: 'InterruptRequest',
                  responseType: 'InterruptResponse',
                },
                ReattachExecute: {
                  requestType: 'ReattachExecuteRequest',
                  responseType: 'ExecutePlanResponse',
                  responseStream: true,
                },
                ReleaseExecute: {
                  requestType: 'ReleaseExecuteRequest',
                  responseType: 'ReleaseExecuteResponse',
                },
                ReleaseSession: {
                  requestType: 'ReleaseSessionRequest',
                  responseType: 'ReleaseSessionResponse',
                },
                FetchErrorDetails: {
                  requestType: 'FetchErrorDetailsRequest',
                  responseType: 'FetchErrorDetailsResponse',
                },
              },
            },
            Command: {
              oneofs: {
                commandType: {
                  oneof: [
                    'registerFunction',
                    'writeOperation',
                    'createDataframeView',
                    'sqlCommand',
                    'mlCommand',
                  ],
                },
              },
              fields: {
                registerFunction: {
                  type: 'CommonInlineUserDefinedFunction',
                  id: 1,
                },
                writeOperation: {
                  type: 'WriteOperation',
                  id: 2,
                },
                createDataframeView: {
                  type: 'CreateDataFrameViewCommand',
                  id: 3,
                },
                sqlCommand: {
                  type: 'SqlCommand',
                  id: 5,
                },
                mlCommand: {
                  type: 'MlCommand',
                  id: 17,
                },
              },
            },
            SqlCommand: {
              fields: {
                sql: {
                  type: 'string',
                  id: 1,
                },
                namedArguments: {
                  keyType: 'string',
                  type: 'Expression',
                  id: 4,
                },
                posArguments: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 5,
                },
                input: {
                  type: 'Relation',
                  id: 6,
                },
              },
            },
            CreateDataFrameViewCommand: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                name: {
                  type: 'string',
                  id: 2,
                },
                isGlobal: {
                  type: 'bool',
                  id: 3,
                },
                replace: {
                  type: 'bool',
                  id: 4,
                },
              },
            },
            WriteOperation: {
              oneofs: {
                _source: {
                  oneof: ['source'],
                },
                saveType: {
                  oneof: ['path', 'table'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                source: {
                  type: 'string',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
                path: {
                  type: 'string',
                  id: 3,
                },
                table: {
                  type: 'SaveTable',
                  id: 4,
                },
                mode: {
                  type: 'SaveMode',
                  id: 5,
                },
                sortColumnNames: {
                  rule: 'repeated',
                  type: 'string',
                  id: 6,
                },
                partitioningColumns: {
                  rule: 'repeated',
                  type: 'string',
                  id: 7,
                },
                options: {
                  keyType: 'string',
                  type: 'string',
                  id: 9,
                },
              },
              nested: {
                SaveTable: {
                  fields: {
                    tableName: {
                      type: 'string',
                      id: 1,
                    },
                    saveMethod: {
                      type: 'TableSaveMethod',
                      id: 2,
                    },
                  },
                  nested: {
                    TableSaveMethod: {
                      values: {
                        TABLE_SAVE_METHOD_UNSPECIFIED: 0,
                        TABLE_SAVE_METHOD_SAVE_AS_TABLE: 1,
                        TABLE_SAVE_METHOD_INSERT_INTO: 2,
                      },
                    },
                  },
                },
                SaveMode: {
                  values: {
                    SAVE_MODE_UNSPECIFIED: 0,
                    SAVE_MODE_APPEND: 1,
                    SAVE_MODE_OVERWRITE: 2,
                    SAVE_MODE_ERROR_IF_EXISTS: 3,
                    SAVE_MODE_IGNORE: 4,
                  },
                },
              },
            },
            Expression: {
              oneofs: {
                exprType: {
                  oneof: [
                    'literal',
                    'unresolvedAttribute',
                    'unresolvedFunction',
                    'expressionString',
                    'unresolvedStar',
                    'alias',
                    'cast',
                    'sortOrder',
                    'unresolvedExtractValue',
                    'commonInlineUserDefinedFunction',
                    'callFunction',
                  ],
                },
              },
              fields: {
                literal: {
                  type: 'Literal',
                  id: 1,
                },
                unresolvedAttribute: {
                  type: 'UnresolvedAttribute',
                  id: 2,
                },
                unresolvedFunction: {
                  type: 'UnresolvedFunction',
                  id: 3,
                },
                expressionString: {
                  type: 'ExpressionString',
                  id: 4,
                },
                unresolvedStar: {
                  type: 'UnresolvedStar',
                  id: 5,
                },
                alias: {
                  type: 'Alias',
                  id: 6,
                },
                cast: {
                  type: 'Cast',
                  id: 7,
                },
                sortOrder: {
                  type: 'SortOrder',
                  id: 9,
                },
                unresolvedExtractValue: {
                  type: 'UnresolvedExtractValue',
                  id: 12,
                },
                commonInlineUserDefinedFunction: {
                  type: 'CommonInlineUserDefinedFunction',
                  id: 15,
                },
                callFunction: {
                  type: 'CallFunction',
                  id: 16,
                },
              },
              nested: {
                Literal: {
                  oneofs: {
                    literalType: {
                      oneof: [
                        'null',
                        'binary',
                        'boolean',
                        'byte',
                        'short',
                        'integer',
                        'long',
                        'float',
                        'double',
                        'decimal',
                        'string',
                        'date',
                        'timestamp',
                        'timestampNtz',
                        'array',
                        'struct',
                        'specializedArray',
                      ],
                    },
                  },
                  fields: {
                    null: {
                      type: 'DataType',
                      id: 1,
                    },
                    binary: {
                      type: 'bytes',
                      id: 2,
                    },
                    boolean: {
                      type: 'bool',
                      id: 3,
                    },
                    byte: {
                      type: 'int32',
                      id: 4,
                    },
                    short: {
                      type: 'int32',
                      id: 5,
                    },
                    integer: {
                      type: 'int32',
                      id: 6,
                    },
                    long: {
                      type: 'int64',
                      id: 7,
                    },
                    float: {
                      type: 'float',
                      id: 10,
                    },
                    double: {
                      type: 'double',
                      id: 11,
                    },
                    decimal: {
                      type: 'Decimal',
                      id: 12,
                    },
                    string: {
                      type: 'string',
                      id: 13,
                    },
                    date: {
                      type: 'int32',
                      id: 16,
                    },
                    timestamp: {
                      type: 'int64',
                      id: 17,
                    },
                    timestampNtz: {
                      type: 'int64',
                      id: 18,
                    },
                    array: {
                      type: 'Array',
                      id: 22,
                    },
                    struct: {
                      type: 'Struct',
                      id: 24,
                    },
                    specializedArray: {
                      type: 'SpecializedArray',
                      id: 25,
                    },
                  },
                  nested: {
                    Decimal: {
                      oneofs: {
                        _precision: {
                          oneof: ['precision'],
                        },
                        _scale: {
                          oneof: ['scale'],
                        },
                      },
                      fields: {
                        value: {
                          type: 'string',
                          id: 1,
                        },
                        precision: {
                          type: 'int32',
                          id: 2,
                          options: {
                            proto3_optional: true,
                          },
                        },
                        scale: {
                          type: 'int32',
                          id: 3,
                          options: {
                            proto3_optional: true,
                          },
                        },
                      },
                    },
                    Array: {
                      fields: {
                        elementType: {
                          type: 'DataType',
                          id: 1,
                        },
                        elements: {
                          rule: 'repeated',
                          type: 'Literal',
                          id: 2,
                        },
                      },
                    },
                    Struct: {
                      fields: {
                        structType: {
                          type: 'DataType',
                          id: 1,
                        },
                        elements: {
                          rule: 'repeated',
                          type: 'Literal',
                          id: 2,
                        },
                      },
                    },
                    SpecializedArray: {
                      oneofs: {
                        valueType: {
                          oneof: ['bools', 'ints', 'longs', 'floats', 'doubles', 'strings'],
                        },
                      },
                      fields: {
                        bools: {
                          type: 'Bools',
                          id: 1,
                        },
                        ints: {
                          type: 'Ints',
                          id: 2,
                        },
                        longs: {
                          type: 'Longs',
                          id: 3,
                        },
                        floats: {
                          type: 'Floats',
                          id: 4,
                        },
                        doubles: {
                          type: 'Doubles',
                          id: 5,
                        },
                        strings: {
                          type: 'Strings',
                          id: 6,
                        },
                      },
                    },
                  },
                },
                UnresolvedAttribute: {
                  oneofs: {
                    _planId: {
                      oneof: ['planId'],
                    },
                    _isMetadataColumn: {
                      oneof: ['isMetadataColumn'],
                    },
                  },
                  fields: {
                    unparsedIdentifier: {
                      type: 'string',
                      id: 1,
                    },
                    planId: {
                      type: 'int64',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    isMetadataColumn: {
                      type: 'bool',
                      id: 3,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                UnresolvedFunction: {
                  fields: {
                    functionName: {
                      type: 'string',
                      id: 1,
                    },
                    arguments: {
                      rule: 'repeated',
                      type: 'Expression',
                      id: 2,
                    },
                    isDistinct: {
                      type: 'bool',
                      id: 3,
                    },
                    isUserDefinedFunction: {
                      type: 'bool',
                      id: 4,
                    },
                  },
                },
                ExpressionString: {
                  fields: {
                    expression: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
                UnresolvedStar: {
                  oneofs: {
                    _unparsedTarget: {
                      oneof: ['unparsedTarget'],
                    },
                    _planId: {
                      oneof: ['planId'],
                    },
                  },
                  fields: {
                    unparsedTarget: {
                      type: 'string',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    planId: {
                      type: 'int64',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Alias: {
                  oneofs: {
                    _metadata: {
                      oneof: ['metadata'],
                    },
                  },
                  fields: {
                    expr: {
                      type: 'Expression',
                      id: 1,
                    },
                    name: {
                      rule: 'repeated',
                      type: 'string',
                      id: 2,
                    },
                    metadata: {
                      type: 'string',
                      id: 3,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Cast: {
                  oneofs: {
                    castToType: {
                      oneof: ['type', 'typeStr'],
                    },
                  },
                  fields: {
                    expr: {
                      type: 'Expression',
                      id: 1,
                    },
                    type: {
                      type: 'DataType',
                      id: 2,
                    },
                    typeStr: {
                      type: 'string',
                      id: 3,
                    },
                    evalMode: {
                      type: 'EvalMode',
                      id: 4,
                    },
                  },
                  nested: {
                    EvalMode: {
                      values: {
                        EVAL_MODE_UNSPECIFIED: 0,
                        EVAL_MODE_LEGACY: 1,
                        EVAL_MODE_ANSI: 2,
                        EVAL_MODE_TRY: 3,
                      },
                    },
                  },
                },
                SortOrder: {
                  fields: {
                    child: {
                      type: 'Expression',
                      id: 1,
                    },
                    direction: {
                      type: 'SortDirection',
                      id: 2,
                    },
                    nullOrdering: {
                      type: 'NullOrdering',
                      id: 3,
                    },
                  },
                  nested: {
                    SortDirection: {
                      values: {
                        SORT_DIRECTION_UNSPECIFIED: 0,
                        SORT_DIRECTION_ASCENDING: 1,
                        SORT_DIRECTION_DESCENDING: 2,
                      },
                    },
                    NullOrdering: {
                      values: {
                        SORT_NULLS_UNSPECIFIED: 0,
                        SORT_NULLS_FIRST: 1,
                        SORT_NULLS_LAST: 2,
                      },
                    },
                  },
                },
                UnresolvedExtractValue: {
                  fields: {
                    child: {
                      type: 'Expression',
                      id: 1,
                    },
                    extraction: {
                      type: 'Expression',
                      id: 2,
                    },
                  },
                },
              },
            },
            CommonInlineUserDefinedFunction: {
              oneofs: {
                function: {
                  oneof: ['pythonUdf', 'javaUdf'],
                },
              },
              fields: {
                functionName: {
                  type: 'string',
                  id: 1,
                },
                deterministic: {
                  type: 'bool',
                  id: 2,
                },
                arguments: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 3,
                },
                pythonUdf: {
                  type: 'PythonUDF',
                  id: 4,
                },
                javaUdf: {
                  type: 'JavaUDF',
                  id: 6,
                },
                isDistinct: {
                  type: 'bool',
                  id: 7,
                },
              },
            },
            PythonUDF: {
              fields: {
                outputType: {
                  type: 'DataType',
                  id: 1,
                },
                evalType: {
                  type: 'int32',
                  id: 2,
                },
                command: {
                  type: 'bytes',
                  id: 3,
                },
                pythonVer: {
                  type: 'string',
                  id: 4,
                },
                additionalIncludes: {
                  rule: 'repeated',
                  type: 'string',
                  id: 5,
                },
              },
            },
            JavaUDF: {
              oneofs: {
                _outputType: {
                  oneof: ['outputType'],
                },
              },
              fields: {
                className: {
                  type: 'string',
                  id: 1,
                },
                outputType: {
                  type: 'DataType',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
                aggregate: {
                  type: 'bool',
                  id: 3,
                },
              },
            },
            CallFunction: {
              fields: {
                functionName: {
                  type: 'string',
                  id: 1,
                },
                arguments: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 2,
                },
              },
            },
            StorageLevel: {
              fields: {
                useDisk: {
                  type: 'bool',
                  id: 1,
                },
                useMemory: {
                  type: 'bool',
                  id: 2,
                },
                useOffHeap: {
                  type: 'bool',
                  id: 3,
                },
                deserialized: {
                  type: 'bool',
                  id: 4,
                },
                replication: {
                  type: 'int32',
                  id: 5,
                },
              },
            },
            Bools: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'bool',
                  id: 1,
                },
              },
            },
            Ints: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'int32',
                  id: 1,
                },
              },
            },
            Longs: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'int64',
                  id: 1,
                },
              },
            },
            Floats: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'float',
                  id: 1,
                },
              },
            },
            Doubles: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'double',
                  id: 1,
                },
              },
            },
            Strings: {
              fields: {
                values: {
                  rule: 'repeated',
                  type: 'string',
                  id: 1,
                },
              },
            },
            DataType: {
              oneofs: {
                kind: {
                  oneof: [
                    'null',
                    'binary',
                    'boolean',
                    'byte',
                    'short',
                    'integer',
                    'long',
                    'float',
                    'double',
                    'decimal',
                    'string',
                    'char',
                    'varChar',
                    'date',
                    'timestamp',
                    'timestampNtz',
                    'calendarInterval',
                    'yearMonthInterval',
                    'dayTimeInterval',
                    'array',
                    'struct',
                    'map',
                    'udt',
                    'unparsed',
                    'variant',
                  ],
                },
              },
              fields: {
                null: {
                  type: 'NULL',
                  id: 1,
                },
                binary: {
                  type: 'Binary',
                  id: 2,
                },
                boolean: {
                  type: 'Boolean',
                  id: 3,
                },
                byte: {
                  type: 'Byte',
                  id: 4,
                },
                short: {
                  type: 'Short',
                  id: 5,
                },
                integer: {
                  type: 'Integer',
                  id: 6,
                },
                long: {
                  type: 'Long',
                  id: 7,
                },
                float: {
                  type: 'Float',
                  id: 8,
                },
                double: {
                  type: 'Double',
                  id: 9,
                },
                decimal: {
                  type: 'Decimal',
                  id: 10,
                },
                string: {
                  type: 'String',
                  id: 11,
                },
                char: {
                  type: 'Char',
                  id: 12,
                },
                varChar: {
                  type: 'VarChar',
                  id: 13,
                },
                date: {
                  type: 'Date',
                  id: 14,
                },
                timestamp: {
                  type: 'Timestamp',
                  id: 15,
                },
                timestampNtz: {
                  type: 'TimestampNTZ',
                  id: 16,
                },
                calendarInterval: {
                  type: 'CalendarInterval',
                  id: 17,
                },
                yearMonthInterval: {
                  type: 'YearMonthInterval',
                  id: 18,
                },
                dayTimeInterval: {
                  type: 'DayTimeInterval',
                  id: 19,
                },
                array: {
                  type: 'Array',
                  id: 20,
                },
                struct: {
                  type: 'Struct',
                  id: 21,
                },
                map: {
                  type: 'Map',
                  id: 22,
                },
                udt: {
                  type: 'UDT',
                  id: 23,
                },
                unparsed: {
                  type: 'Unparsed',
                  id: 24,
                },
                variant: {
                  type: 'Variant',
                  id: 25,
                },
              },
              nested: {
                NULL: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Binary: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Boolean: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Byte: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Short: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Integer: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Long: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Float: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Double: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Date: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Timestamp: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                TimestampNTZ: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                CalendarInterval: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                Variant: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                  },
                },
                String: {
                  fields: {
                    typeVariationReference: {
                      type: 'uint32',
                      id: 1,
                    },
                    collation: {
                      type: 'string',
                      id: 2,
                    },
                  },
                },
                Char: {
                  fields: {
                    length: {
                      type: 'int32',
                      id: 1,
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 2,
                    },
                  },
                },
                VarChar: {
                  fields: {
                    length: {
                      type: 'int32',
                      id: 1,
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 2,
                    },
                  },
                },
                Decimal: {
                  oneofs: {
                    _scale: {
                      oneof: ['scale'],
                    },
                    _precision: {
                      oneof: ['precision'],
                    },
                  },
                  fields: {
                    scale: {
                      type: 'int32',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    precision: {
                      type: 'int32',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 3,
                    },
                  },
                },
                YearMonthInterval: {
                  oneofs: {
                    _startField: {
                      oneof: ['startField'],
                    },
                    _endField: {
                      oneof: ['endField'],
                    },
                  },
                  fields: {
                    startField: {
                      type: 'int32',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    endField: {
                      type: 'int32',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 3,
                    },
                  },
                },
                DayTimeInterval: {
                  oneofs: {
                    _startField: {
                      oneof: ['startField'],
                    },
                    _endField: {
                      oneof: ['endField'],
                    },
                  },
                  fields: {
                    startField: {
                      type: 'int32',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    endField: {
                      type: 'int32',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 3,
                    },
                  },
                },
                StructField: {
                  oneofs: {
                    _metadata: {
                      oneof: ['metadata'],
                    },
                  },
                  fields: {
                    name: {
                      type: 'string',
                      id: 1,
                    },
                    dataType: {
                      type: 'DataType',
                      id: 2,
                    },
                    nullable: {
                      type: 'bool',
                      id: 3,
                    },
                    metadata: {
                      type: 'string',
                      id: 4,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Struct: {
                  fields: {
                    fields: {
                      rule: 'repeated',
                      type: 'StructField',
                      id: 1,
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 2,
                    },
                  },
                },
                Array: {
                  fields: {
                    elementType: {
                      type: 'DataType',
                      id: 1,
                    },
                    containsNull: {
                      type: 'bool',
                      id: 2,
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 3,
                    },
                  },
                },
                Map: {
                  fields: {
                    keyType: {
                      type: 'DataType',
                      id: 1,
                    },
                    valueType: {
                      type: 'DataType',
                      id: 2,
                    },
                    valueContainsNull: {
                      type: 'bool',
                      id: 3,
                    },
                    typeVariationReference: {
                      type: 'uint32',
                      id: 4,
                    },
                  },
                },
                UDT: {
                  oneofs: {
                    _jvmClass: {
                      oneof: ['jvmClass'],
                    },
                    _pythonClass: {
                      oneof: ['pythonClass'],
                    },
                    _serializedPythonClass: {
                      oneof: ['serializedPythonClass'],
                    },
                    _sqlType: {
                      oneof: ['sqlType'],
                    },
                  },
                  fields: {
                    type: {
                      type: 'string',
                      id: 1,
                    },
                    jvmClass: {
                      type: 'string',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    pythonClass: {
                      type: 'string',
                      id: 3,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    serializedPythonClass: {
                      type: 'string',
                      id: 4,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    sqlType: {
                      type: 'DataType',
                      id: 5,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
                Unparsed: {
                  fields: {
                    dataTypeString: {
                      type: 'string',
                      id: 1,
                    },
                  },
                },
              },
            },
            MlCommand: {
              oneofs: {
                command: {
                  oneof: ['fit', 'fetch', 'delete'],
                },
              },
              fields: {
                fit: {
                  type: 'Fit',
                  id: 1,
                },
                fetch: {
                  type: 'Fetch',
                  id: 2,
                },
                delete: {
                  type: 'Delete',
                  id: 3,
                },
              },
              nested: {
                Fit: {
                  oneofs: {
                    _params: {
                      oneof: ['params'],
                    },
                  },
                  fields: {
                    estimator: {
                      type: 'MlOperator',
                      id: 1,
                    },
                    params: {
                      type: 'MlParams',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    dataset: {
                      type: 'Relation',
                      id: 3,
                    },
                  },
                },
                Delete: {
                  oneofs: {
                    _evictOnly: {
                      oneof: ['evictOnly'],
                    },
                  },
                  fields: {
                    objRefs: {
                      rule: 'repeated',
                      type: 'ObjectRef',
                      id: 1,
                    },
                    evictOnly: {
                      type: 'bool',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
              },
            },
            MlCommandResult: {
              oneofs: {
                resultType: {
                  oneof: ['param', 'summary', 'operatorInfo'],
                },
              },
              fields: {
                param: {
                  type: 'Expression.Literal',
                  id: 1,
                },
                summary: {
                  type: 'string',
                  id: 2,
                },
                operatorInfo: {
                  type: 'MlOperatorInfo',
                  id: 3,
                },
              },
              nested: {
                MlOperatorInfo: {
                  oneofs: {
                    type: {
                      oneof: ['objRef', 'name'],
                    },
                    _uid: {
                      oneof: ['uid'],
                    },
                    _params: {
                      oneof: ['params'],
                    },
                    _warningMessage: {
                      oneof: ['warningMessage'],
                    },
                  },
                  fields: {
                    objRef: {
                      type: 'ObjectRef',
                      id: 1,
                    },
                    name: {
                      type: 'string',
                      id: 2,
                    },
                    uid: {
                      type: 'string',
                      id: 3,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    params: {
                      type: 'MlParams',
                      id: 4,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    warningMessage: {
                      type: 'string',
                      id: 5,
                      options: {
                        proto3_optional: true,
                      },
                    },
                  },
                },
              },
            },
            MlParams: {
              fields: {
                params: {
                  keyType: 'string',
                  type: 'Expression.Literal',
                  id: 1,
                },
              },
            },
            MlOperator: {
              fields: {
                name: {
                  type: 'string',
                  id: 1,
                },
                uid: {
                  type: 'string',
                  id: 2,
                },
                type: {
                  type: 'OperatorType',
                  id: 3,
                },
              },
              nested: {
                OperatorType: {
                  values: {
                    OPERATOR_TYPE_UNSPECIFIED: 0,
                    OPERATOR_TYPE_ESTIMATOR: 1,
                    OPERATOR_TYPE_TRANSFORMER: 2,
                    OPERATOR_TYPE_EVALUATOR: 3,
                    OPERATOR_TYPE_MODEL: 4,
                  },
                },
              },
            },
            ObjectRef: {
              fields: {
                id: {
                  type: 'string',
                  id: 1,
                },
              },
            },
            Relation: {
              oneofs: {
                relType: {
                  oneof: [
                    'read',
                    'project',
                    'filter',
                    'join',
                    'setOp',
                    'sort',
                    'limit',
                    'aggregate',
                    'sql',
                    'localRelation',
                    'sample',
                    'offset',
                    'deduplicate',
                    'range',
                    'subqueryAlias',
                    'repartition',
                    'toDf',
                    'withColumnsRenamed',
                    'showString',
                    'drop',
                    'tail',
                    'withColumns',
                    'hint',
                    'repartitionByExpression',
                    'mapPartitions',
                    'cachedLocalRelation',
                    'cachedRemoteRelation',
                    'mlRelation',
                  ],
                },
              },
              fields: {
                common: {
                  type: 'RelationCommon',
                  id: 1,
                },
                read: {
                  type: 'Read',
                  id: 2,
                },
                project: {
                  type: 'Project',
                  id: 3,
                },
                filter: {
                  type: 'Filter',
                  id: 4,
                },
                join: {
                  type: 'Join',
                  id: 5,
                },
                setOp: {
                  type: 'SetOperation',
                  id: 6,
                },
                sort: {
                  type: 'Sort',
                  id: 7,
                },
                limit: {
                  type: 'Limit',
                  id: 8,
                },
                aggregate: {
                  type: 'Aggregate',
                  id: 9,
                },
                sql: {
                  type: 'SQL',
                  id: 10,
                },
                localRelation: {
                  type: 'LocalRelation',
                  id: 11,
                },
                sample: {
                  type: 'Sample',
                  id: 12,
                },
                offset: {
                  type: 'Offset',
                  id: 13,
                },
                deduplicate: {
                  type: 'Deduplicate',
                  id: 14,
                },
                range: {
                  type: 'Range',
                  id: 15,
                },
                subqueryAlias: {
                  type: 'SubqueryAlias',
                  id: 16,
                },
                repartition: {
                  type: 'Repartition',
                  id: 17,
                },
                toDf: {
                  type: 'ToDF',
                  id: 18,
                },
                withColumnsRenamed: {
                  type: 'WithColumnsRenamed',
                  id: 19,
                },
                showString: {
                  type: 'ShowString',
                  id: 20,
                },
                drop: {
                  type: 'Drop',
                  id: 21,
                },
                tail: {
                  type: 'Tail',
                  id: 22,
                },
                withColumns: {
                  type: 'WithColumns',
                  id: 23,
                },
                hint: {
                  type: 'Hint',
                  id: 24,
                },
                repartitionByExpression: {
                  type: 'RepartitionByExpression',
                  id: 27,
                },
                mapPartitions: {
                  type: 'MapPartitions',
                  id: 28,
                },
                cachedLocalRelation: {
                  type: 'CachedLocalRelation',
                  id: 36,
                },
                cachedRemoteRelation: {
                  type: 'CachedRemoteRelation',
                  id: 37,
                },
                mlRelation: {
                  type: 'MlRelation',
                  id: 300,
                },
              },
            },
            RelationCommon: {
              oneofs: {
                _planId: {
                  oneof: ['planId'],
                },
              },
              fields: {
                planId: {
                  type: 'int64',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            SQL: {
              fields: {
                query: {
                  type: 'string',
                  id: 1,
                },
                namedArguments: {
                  keyType: 'string',
                  type: 'Expression',
                  id: 4,
                },
                posArguments: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 5,
                },
              },
            },
            Read: {
              oneofs: {
                readType: {
                  oneof: ['namedTable', 'dataSource'],
                },
              },
              fields: {
                namedTable: {
                  type: 'NamedTable',
                  id: 1,
                },
                dataSource: {
                  type: 'DataSource',
                  id: 2,
                },
                isStreaming: {
                  type: 'bool',
                  id: 3,
                },
              },
              nested: {
                NamedTable: {
                  fields: {
                    unparsedIdentifier: {
                      type: 'string',
                      id: 1,
                    },
                    options: {
                      keyType: 'string',
                      type: 'string',
                      id: 2,
                    },
                  },
                },
                DataSource: {
                  oneofs: {
                    _format: {
                      oneof: ['format'],
                    },
                    _schema: {
                      oneof: ['schema'],
                    },
                  },
                  fields: {
                    format: {
                      type: 'string',
                      id: 1,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    schema: {
                      type: 'string',
                      id: 2,
                      options: {
                        proto3_optional: true,
                      },
                    },
                    options: {
                      keyType: 'string',
                      type: 'string',
                      id: 3,
                    },
                    paths: {
                      rule: 'repeated',
                      type: 'string',
                      id: 4,
                    },
                    predicates: {
                      rule: 'repeated',
                      type: 'string',
                      id: 5,
                    },
                  },
                },
              },
            },
            Project: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                expressions: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 3,
                },
              },
            },
            Filter: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                condition: {
                  type: 'Expression',
                  id: 2,
                },
              },
            },
            Join: {
              fields: {
                left: {
                  type: 'Relation',
                  id: 1,
                },
                right: {
                  type: 'Relation',
                  id: 2,
                },
                joinCondition: {
                  type: 'Expression',
                  id: 3,
                },
                joinType: {
                  type: 'JoinType',
                  id: 4,
                },
                usingColumns: {
                  rule: 'repeated',
                  type: 'string',
                  id: 5,
                },
              },
              nested: {
                JoinType: {
                  values: {
                    JOIN_TYPE_UNSPECIFIED: 0,
                    JOIN_TYPE_INNER: 1,
                    JOIN_TYPE_FULL_OUTER: 2,
                    JOIN_TYPE_LEFT_OUTER: 3,
                    JOIN_TYPE_RIGHT_OUTER: 4,
                    JOIN_TYPE_LEFT_ANTI: 5,
                    JOIN_TYPE_LEFT_SEMI: 6,
                    JOIN_TYPE_CROSS: 7,
                  },
                },
              },
            },
            SetOperation: {
              oneofs: {
                _isAll: {
                  oneof: ['isAll'],
                },
                _byName: {
                  oneof: ['byName'],
                },
                _allowMissingColumns: {
                  oneof: ['allowMissingColumns'],
                },
              },
              fields: {
                leftInput: {
                  type: 'Relation',
                  id: 1,
                },
                rightInput: {
                  type: 'Relation',
                  id: 2,
                },
                setOpType: {
                  type: 'SetOpType',
                  id: 3,
                },
                isAll: {
                  type: 'bool',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                byName: {
                  type: 'bool',
                  id: 5,
                  options: {
                    proto3_optional: true,
                  },
                },
                allowMissingColumns: {
                  type: 'bool',
                  id: 6,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                SetOpType: {
                  values: {
                    SET_OP_TYPE_UNSPECIFIED: 0,
                    SET_OP_TYPE_INTERSECT: 1,
                    SET_OP_TYPE_UNION: 2,
                    SET_OP_TYPE_EXCEPT: 3,
                  },
                },
              },
            },
            Limit: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                limit: {
                  type: 'int32',
                  id: 2,
                },
              },
            },
            Offset: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                offset: {
                  type: 'int32',
                  id: 2,
                },
              },
            },
            Tail: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                limit: {
                  type: 'int32',
                  id: 2,
                },
              },
            },
            Aggregate: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                groupType: {
                  type: 'GroupType',
                  id: 2,
                },
                groupingExpressions: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 3,
                },
                aggregateExpressions: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 4,
                },
              },
              nested: {
                GroupType: {
                  values: {
                    GROUP_TYPE_UNSPECIFIED: 0,
                    GROUP_TYPE_GROUPBY: 1,
                    GROUP_TYPE_ROLLUP: 2,
                    GROUP_TYPE_CUBE: 3,
                    GROUP_TYPE_PIVOT: 4,
                    GROUP_TYPE_GROUPING_SETS: 5,
                  },
                },
              },
            },
            Sort: {
              oneofs: {
                _isGlobal: {
                  oneof: ['isGlobal'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                order: {
                  rule: 'repeated',
                  type: 'Expression.SortOrder',
                  id: 2,
                },
                isGlobal: {
                  type: 'bool',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            Drop: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                columns: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 2,
                },
                columnNames: {
                  rule: 'repeated',
                  type: 'string',
                  id: 3,
                },
              },
            },
            Deduplicate: {
              oneofs: {
                _allColumnsAsKeys: {
                  oneof: ['allColumnsAsKeys'],
                },
                _withinWatermark: {
                  oneof: ['withinWatermark'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                columnNames: {
                  rule: 'repeated',
                  type: 'string',
                  id: 2,
                },
                allColumnsAsKeys: {
                  type: 'bool',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                withinWatermark: {
                  type: 'bool',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            LocalRelation: {
              oneofs: {
                _data: {
                  oneof: ['data'],
                },
                _schema: {
                  oneof: ['schema'],
                },
              },
              fields: {
                data: {
                  type: 'bytes',
                  id: 1,
                  options: {
                    proto3_optional: true,
                  },
                },
                schema: {
                  type: 'string',
                  id: 2,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            CachedLocalRelation: {
              fields: {
                hash: {
                  type: 'string',
                  id: 3,
                },
              },
            },
            CachedRemoteRelation: {
              fields: {
                relationId: {
                  type: 'string',
                  id: 1,
                },
              },
            },
            Sample: {
              oneofs: {
                _withReplacement: {
                  oneof: ['withReplacement'],
                },
                _seed: {
                  oneof: ['seed'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                lowerBound: {
                  type: 'double',
                  id: 2,
                },
                upperBound: {
                  type: 'double',
                  id: 3,
                },
                withReplacement: {
                  type: 'bool',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
                seed: {
                  type: 'int64',
                  id: 5,
                  options: {
                    proto3_optional: true,
                  },
                },
                deterministicOrder: {
                  type: 'bool',
                  id: 6,
                },
              },
            },
            Range: {
              oneofs: {
                _start: {
                  oneof: ['start'],
                },
                _numPartitions: {
                  oneof: ['numPartitions'],
                },
              },
              fields: {
                start: {
                  type: 'int64',
                  id: 1,
                  options: {
                    proto3_optional: true,
                  },
                },
                end: {
                  type: 'int64',
                  id: 2,
                },
                step: {
                  type: 'int64',
                  id: 3,
                },
                numPartitions: {
                  type: 'int32',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            SubqueryAlias: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                alias: {
                  type: 'string',
                  id: 2,
                },
                qualifier: {
                  rule: 'repeated',
                  type: 'string',
                  id: 3,
                },
              },
            },
            Repartition: {
              oneofs: {
                _shuffle: {
                  oneof: ['shuffle'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                numPartitions: {
                  type: 'int32',
                  id: 2,
                },
                shuffle: {
                  type: 'bool',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            RepartitionByExpression: {
              oneofs: {
                _numPartitions: {
                  oneof: ['numPartitions'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                partitionExprs: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 2,
                },
                numPartitions: {
                  type: 'int32',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            ShowString: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                numRows: {
                  type: 'int32',
                  id: 2,
                },
                truncate: {
                  type: 'int32',
                  id: 3,
                },
                vertical: {
                  type: 'bool',
                  id: 4,
                },
              },
            },
            ToDF: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                columnNames: {
                  rule: 'repeated',
                  type: 'string',
                  id: 2,
                },
              },
            },
            WithColumnsRenamed: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                renameColumnsMap: {
                  keyType: 'string',
                  type: 'string',
                  id: 2,
                },
                renames: {
                  rule: 'repeated',
                  type: 'Rename',
                  id: 3,
                },
              },
              nested: {
                Rename: {
                  fields: {
                    colName: {
                      type: 'string',
                      id: 1,
                    },
                    newColName: {
                      type: 'string',
                      id: 2,
                    },
                  },
                },
              },
            },
            WithColumns: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                aliases: {
                  rule: 'repeated',
                  type: 'Expression.Alias',
                  id: 2,
                },
              },
            },
            Hint: {
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                name: {
                  type: 'string',
                  id: 2,
                },
                parameters: {
                  rule: 'repeated',
                  type: 'Expression',
                  id: 3,
                },
              },
            },
            MapPartitions: {
              oneofs: {
                _isBarrier: {
                  oneof: ['isBarrier'],
                },
                _profileId: {
                  oneof: ['profileId'],
                },
              },
              fields: {
                input: {
                  type: 'Relation',
                  id: 1,
                },
                func: {
                  type: 'CommonInlineUserDefinedFunction',
                  id: 2,
                },
                isBarrier: {
                  type: 'bool',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
                profileId: {
                  type: 'int32',
                  id: 4,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
            },
            MlRelation: {
              oneofs: {
                mlType: {
                  oneof: ['transform', 'fetch'],
                },
                _modelSummaryDataset: {
                  oneof: ['modelSummaryDataset'],
                },
              },
              fields: {
                transform: {
                  type: 'Transform',
                  id: 1,
                },
                fetch: {
                  type: 'Fetch',
                  id: 2,
                },
                modelSummaryDataset: {
                  type: 'Relation',
                  id: 3,
                  options: {
                    proto3_optional: true,
                  },
                },
              },
              nested: {
                Transform: {
                  oneofs: {
                    operator: {
                      oneof: ['objRef', 'transformer'],
                    },
                  },
                  fields: {
                    objRef: {
                      type: 'ObjectRef',
                      id: 1,
                    },
                    transformer: {
                      type: 'MlOperator',
                      id: 2,
                    },
                    input: {
                      type: 'Relation',
                      id: 3,
                    },
                    params: {
                      type: 'MlParams',
                      id: 4,
                    },
                  },
                },
              },
            },
            Fetch: {
              fields: {
                objRef: {
                  type: 'ObjectRef',
                  id: 1,
                },
                methods: {
                  rule: 'repeated',
                  type: 'Method',
                  id: 2,
                },
              },
              nested: {
                Method: {
                  fields: {
                    method: {
                      type: 'string',
                      id: 1,
                    },
                    args: {
                      rule: 'repeated',
                      type: 'Args',
                      id: 2,
                    },
                  },
                  nested: {
                    Args: {
                      oneofs: {
                        argsType: {
                          oneof: ['param', 'input'],
                        },
                      },
                      fields: {
                        param: {
                          type: 'Expression.Literal',
                          id: 1,
                        },
                        input: {
                          type: 'Relation',
                          id: 2,
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: {
              fields: {
                type_url: {
                  type: 'string',
                  id: 1,
                },
                value: {
                  type: 'bytes',
                  id: 2,
                },
              },
            },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: {
                  type: 'int32',
                  id: 1,
                },
                message: {
                  type: 'string',
                  id: 2,
                },
                details: {
                  rule: 'repeated',
                  type: 'google.protobuf.Any',
                  id: 3,
                },
              },
            },
            ErrorInfo: {
              fields: {
                reason: {
                  type: 'string',
                  id: 1,
                },
                domain: {
                  type: 'string',
                  id: 2,
                },
                metadata: {
                  keyType: 'string',
                  type: 'string',
                  id: 3,
                },
              },
            },
          },
        },
      },
    },
  },
};
