// Generated from the server's OpenAPI document by `npm run gen:api-types` (openapi-typescript). Do not edit.
// The contract lives in packages/server/src/contract/schemas.ts and packages/server/src/openapi.ts.

export interface paths {
    "/api/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts */
        get: operations["getApiAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an alert */
        post: operations["postApiAlertsIdAcknowledge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/alerts/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resolve an alert */
        post: operations["postApiAlertsIdResolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ask": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask a question; answer with cited sources */
        post: operations["postApiAsk"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/asset-graph": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lineage graph: nodes (with status) and edges */
        get: operations["getApiAssetGraph"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Asset catalog with latest materialization and status */
        get: operations["getApiAssets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assets/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Asset detail: materialization history (paged by beforeId) and per-partition status */
        get: operations["getApiAssetsKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/assets/materialize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Materialize an asset selection */
        post: operations["postApiAssetsMaterialize"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the given token (if any) is accepted, and whether tokens are required */
        get: operations["getApiAuthCheck"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/daemon": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Daemon and worker heartbeats */
        get: operations["getApiDaemon"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/events/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-sent events: events, run, alerts */
        get: operations["getApiEventsStream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rate an answer */
        post: operations["postApiFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Jobs with their steps, sensors and schedules */
        get: operations["getApiJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{name}/launch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Launch a run; 400 names the bad config path */
        post: operations["postApiJobsNameLaunch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{name}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Validate a run config (JSON or YAML) for a job */
        post: operations["postApiJobsNameValidate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import a transcript file (.vtt, .srt, .json3) */
        post: operations["postApiLibraryImport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Ingestion requests */
        get: operations["getApiLibraryRequests"];
        put?: never;
        /** Submit video URLs */
        post: operations["postApiLibraryRequests"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One request */
        get: operations["getApiLibraryRequestsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/requests/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry a failed request */
        post: operations["postApiLibraryRequestsIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/videos": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Indexed videos */
        get: operations["getApiLibraryVideos"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/videos/{videoId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One video */
        get: operations["getApiLibraryVideosVideoId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/library/videos/{videoId}/transcript": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Transcript segments with times */
        get: operations["getApiLibraryVideosVideoIdTranscript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/metrics/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Pipeline metrics over time */
        get: operations["getApiMetricsHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/metrics/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest pipeline metrics snapshot */
        get: operations["getApiMetricsLatest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document (public, so clients can discover how to authenticate) */
        get: operations["getApiOpenapiJson"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Overview: runs in 24 h, queue depth, failures, heartbeats, open alerts */
        get: operations["getApiOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs, newest first, with cursor pagination */
        get: operations["getApiRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run detail with step summary */
        get: operations["getApiRunsRunId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{runId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a run */
        post: operations["postApiRunsRunIdCancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{runId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run event log, paged by afterId */
        get: operations["getApiRunsRunIdEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{runId}/reexecute": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-execute (from failure by default) */
        post: operations["postApiRunsRunIdReexecute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/counts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run counts by status */
        get: operations["getApiRunsCounts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job names that have runs (for filters) */
        get: operations["getApiRunsJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules with status and next tick */
        get: operations["getApiSchedules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One schedule */
        get: operations["getApiSchedulesName"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{name}/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Launch the schedule's job now */
        post: operations["postApiSchedulesNameEvaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{name}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the schedule */
        post: operations["postApiSchedulesNameStart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{name}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop the schedule */
        post: operations["postApiSchedulesNameStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/schedules/{name}/ticks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tick history of the schedule */
        get: operations["getApiSchedulesNameTicks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List sensors with status and next tick */
        get: operations["getApiSensors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sensor */
        get: operations["getApiSensorsName"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{name}/evaluate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Evaluate the sensor now */
        post: operations["postApiSensorsNameEvaluate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{name}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start the sensor */
        post: operations["postApiSensorsNameStart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{name}/stop": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop the sensor */
        post: operations["postApiSensorsNameStop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sensors/{name}/ticks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tick history of the sensor */
        get: operations["getApiSensorsNameTicks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Library counts */
        get: operations["getApiStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Subscriptions with last check, videos found, next check, error and entry counts */
        get: operations["getApiSubscriptions"];
        put?: never;
        /** Subscribe to a channel, playlist or RSS/Atom feed (checked at once) */
        post: operations["postApiSubscriptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One subscription with its latest entries */
        get: operations["getApiSubscriptionsId"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/subscriptions/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check now */
        post: operations["postApiSubscriptionsIdCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/subscriptions/{id}/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop following (indexed videos stay) */
        post: operations["postApiSubscriptionsIdRemove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/subscriptions/{id}/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause/resume, or change how the subscriber is notified */
        post: operations["postApiSubscriptionsIdUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Alert: {
            acknowledgedAt: number | null;
            acknowledgedBy: string | null;
            /** @description epoch milliseconds */
            createdAt: number;
            details: {
                [key: string]: unknown;
            };
            fingerprint: string;
            id: number;
            message: string;
            resolvedAt: number | null;
            /** @enum {string} */
            severity: "info" | "warning" | "error" | "critical";
            /** @enum {string} */
            status: "open" | "acknowledged" | "resolved";
            title: string;
            type: string;
            /** @description epoch milliseconds */
            updatedAt: number;
        };
        AskResult: {
            answer: string;
            citations: components["schemas"]["Citation"][];
            latencyMs: number;
            /** @description 'llm:<model>' or 'extractive' */
            mode: string;
            queryId: number;
            question: string;
            /** @enum {string} */
            retrieval: "hybrid" | "lexical";
        };
        AssetMaterialization: {
            assetKey: string;
            id: number;
            metadata: {
                [key: string]: components["schemas"]["MetadataValue"];
            };
            partitionKey: string | null;
            runId: string;
            /** @description epoch milliseconds */
            timestamp: number;
        };
        /** @enum {string} */
        AssetStatus: "MATERIALIZED" | "FAILED" | "RUNNING" | "NEVER";
        AssetSummary: {
            deps: string[];
            description?: string | null;
            group: string;
            key: string;
            latestMaterialization: components["schemas"]["AssetMaterialization"] | null;
            /** @description definition metadata */
            metadata?: {
                [key: string]: unknown;
            };
            partitions: ({
                name: string;
            } & {
                [key: string]: unknown;
            }) | null;
            status: components["schemas"]["AssetStatus"];
            tags?: {
                [key: string]: string;
            };
        };
        Chapter: {
            start: number;
            title: string;
        } & {
            [key: string]: unknown;
        };
        Citation: {
            channel: string | null;
            chapter?: string | null;
            chunkId: number;
            /** @description the whole passage found */
            context?: {
                end: number;
                start: number;
            };
            end: number;
            /** @description the matched sentences, what start/end and url point at */
            evidence?: {
                end: number;
                start: number;
                text: string;
            };
            /** @description 0..1: how much of the question the evidence covers */
            relevance?: number;
            score: number;
            snippet: string;
            start: number;
            title: string;
            /** @description deep link to the second, e.g. https://youtu.be/ID?t=75 */
            url: string;
            videoId: string;
        };
        ConfigIssue: {
            message: string;
            path: string;
        };
        Error: {
            error: {
                issues?: components["schemas"]["ConfigIssue"][];
                /** @description what was wrong and what to do */
                message: string;
                status: number;
            };
        };
        GetApiAlertsResponse: {
            alerts: components["schemas"]["Alert"][];
        };
        GetApiAssetGraphResponse: {
            edges: {
                source: string;
                target: string;
            }[];
            layoutError: string | null;
            node: {
                height: number;
                width: number;
            };
            nodes: {
                group: string;
                key: string;
                lastMaterializedAt: number | null;
                partitioned: boolean;
                status: components["schemas"]["AssetStatus"];
                x: number | null;
                y: number | null;
            }[];
        };
        GetApiAssetsKeyResponse: {
            asset: components["schemas"]["AssetSummary"];
            downstream: string[];
            materializations: components["schemas"]["AssetMaterialization"][];
            nextBeforeId: number | null;
            partitions: {
                lastMaterializedAt: number | null;
                partitionKey: string;
                runId: string | null;
                /** @enum {string} */
                status: "MATERIALIZED" | "MISSING";
            }[];
            upstream: string[];
        };
        GetApiAssetsResponse: {
            assets: components["schemas"]["AssetSummary"][];
            groups: string[];
        };
        GetApiAuthCheckResponse: {
            /** @constant */
            ok: true;
            tokensRequired: boolean;
        };
        GetApiDaemonResponse: {
            healthy: boolean;
            heartbeatMaxAgeMs: number;
            heartbeats: components["schemas"]["Heartbeat"][];
            summary: string;
        };
        GetApiJobsResponse: {
            jobs: components["schemas"]["Job"][];
        };
        GetApiLibraryRequestsIdResponse: {
            request: components["schemas"]["YoutubeRequest"];
        };
        GetApiLibraryRequestsResponse: {
            requests: components["schemas"]["YoutubeRequest"][];
        };
        GetApiLibraryVideosResponse: {
            videos: components["schemas"]["Video"][];
        };
        GetApiLibraryVideosVideoIdResponse: {
            chapters: components["schemas"]["Chapter"][];
            summary: components["schemas"]["VideoSummary"] | null;
            video: components["schemas"]["Video"];
        };
        GetApiLibraryVideosVideoIdTranscriptResponse: {
            chapters: components["schemas"]["Chapter"][];
            segments: components["schemas"]["Segment"][];
            video: components["schemas"]["Video"];
        };
        GetApiMetricsHistoryResponse: {
            snapshots: components["schemas"]["MetricsSnapshot"][];
        };
        GetApiMetricsLatestResponse: {
            snapshot: components["schemas"]["MetricsSnapshot"] | null;
        };
        GetApiOpenapiJsonResponse: {
            info: {
                [key: string]: unknown;
            };
            openapi: string;
            paths: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        GetApiOverviewResponse: {
            heartbeats: components["schemas"]["Heartbeat"][];
            inProgress: number;
            now: number;
            openAlerts: components["schemas"]["Alert"][] | null;
            queueDepth: number;
            ragConfigured: boolean;
            recentFailures: components["schemas"]["Run"][];
            runsLast24h: {
                [key: string]: number;
            };
        };
        GetApiRunsCountsResponse: {
            counts: {
                [key: string]: number;
            };
            since: number | null;
        };
        GetApiRunsJobsResponse: {
            jobNames: string[];
        };
        GetApiRunsResponse: {
            nextCursor: string | null;
            runs: components["schemas"]["Run"][];
        };
        GetApiRunsRunIdEventsResponse: {
            events: components["schemas"]["RunEvent"][];
            nextAfterId: number | null;
        };
        GetApiRunsRunIdResponse: {
            eventCount: number;
            run: components["schemas"]["Run"];
            steps: components["schemas"]["StepSummary"][];
        };
        GetApiSchedulesNameResponse: {
            schedule: components["schemas"]["Schedule"];
        };
        GetApiSchedulesNameTicksResponse: {
            ticks: components["schemas"]["Tick"][];
        };
        GetApiSchedulesResponse: {
            schedules: components["schemas"]["Schedule"][];
        };
        GetApiSensorsNameResponse: {
            sensor: components["schemas"]["Sensor"];
        };
        GetApiSensorsNameTicksResponse: {
            ticks: components["schemas"]["Tick"][];
        };
        GetApiSensorsResponse: {
            sensors: components["schemas"]["Sensor"][];
        };
        GetApiSubscriptionsIdResponse: {
            entries: components["schemas"]["SubscriptionEntry"][];
            subscription: components["schemas"]["Subscription"];
        };
        GetApiSubscriptionsResponse: {
            subscriptions: components["schemas"]["Subscription"][];
        };
        Heartbeat: {
            ageMs: number;
            daemonId: string;
            daemonType: string;
            fresh: boolean;
            info: {
                [key: string]: unknown;
            };
            /** @description epoch milliseconds */
            timestamp: number;
        };
        Job: {
            description?: string | null;
            name: string;
            priority?: number;
            schedules: string[];
            selection: unknown;
            sensors: string[];
            steps: {
                deps: string[];
                hasConfig: boolean;
                key: string;
                kind: string;
            }[];
            tags?: {
                [key: string]: string;
            };
        };
        KeyPoint: {
            /** @description seconds from the start of the video */
            start: number;
            text: string;
            /** @description deep link to that moment */
            url: string;
        };
        MetadataValue: {
            /** @description int, float, text, bool, json, url, path, … */
            type: string;
            value: unknown;
        };
        MetricsSnapshot: {
            data: {
                [key: string]: unknown;
            };
            /** @description epoch milliseconds */
            timestamp: number;
        };
        PostApiAlertsIdAcknowledgeResponse: {
            alert: components["schemas"]["Alert"];
        };
        PostApiAlertsIdResolveResponse: {
            alert: components["schemas"]["Alert"];
        };
        PostApiAssetsMaterializeResponse: {
            run: components["schemas"]["Run"];
        };
        PostApiJobsNameValidateResponse: {
            issues: components["schemas"]["ConfigIssue"][];
            message?: string;
            valid: boolean;
        };
        PostApiSensorsNameEvaluateResponse: {
            tick: components["schemas"]["Tick"];
        };
        PostApiSubscriptionsIdRemoveResponse: {
            /** @constant */
            ok: true;
        };
        PostApiSubscriptionsResponse: {
            subscription: components["schemas"]["Subscription"];
        };
        Run: {
            attempt: number;
            /** @description epoch milliseconds */
            createdAt: number;
            endedAt: number | null;
            error: components["schemas"]["SerializedError"] | null;
            jobName: string;
            origin: string | null;
            parentRunId: string | null;
            partitionKey: string | null;
            priority: number;
            rootRunId: string | null;
            runConfig: {
                [key: string]: unknown;
            };
            runId: string;
            runKey: string | null;
            startedAt: number | null;
            status: components["schemas"]["RunStatus"];
            stepSelection: string[] | null;
            tags: {
                [key: string]: string;
            };
            /** @description epoch milliseconds */
            updatedAt: number;
            workerId: string | null;
        };
        RunEvent: {
            data: {
                [key: string]: unknown;
            } | null;
            id: number;
            /** @enum {string} */
            level: "debug" | "info" | "warn" | "error";
            message: string;
            runId: string;
            stepKey: string | null;
            /** @description epoch milliseconds */
            timestamp: number;
            type: string;
        };
        /** @enum {string} */
        RunStatus: "NOT_STARTED" | "QUEUED" | "STARTING" | "STARTED" | "CANCELING" | "SUCCESS" | "FAILURE" | "CANCELED";
        Schedule: {
            cron: string;
            /** @enum {string} */
            defaultStatus: "RUNNING" | "STOPPED";
            description?: string | null;
            jobName: string;
            /** @constant */
            kind: "schedule";
            lastTickAt: number | null;
            name: string;
            nextTickAt: number | null;
            /** @enum {string} */
            status: "RUNNING" | "STOPPED";
            timezone: string;
        };
        Segment: {
            end: number;
            start: number;
            text: string;
        };
        Sensor: {
            cursor: string | null;
            /** @enum {string} */
            defaultStatus: "RUNNING" | "STOPPED";
            description?: string | null;
            jobName: string;
            /** @constant */
            kind: "sensor";
            lastTickAt: number | null;
            minimumIntervalSeconds: number;
            name: string;
            nextTickAt: number | null;
            /** @enum {string} */
            status: "RUNNING" | "STOPPED";
        };
        SerializedError: {
            cause?: components["schemas"]["SerializedError"];
            className: string;
            code?: string;
            message: string;
            stack?: string;
        };
        Stats: {
            chunks: number;
            embedder: string | null;
            queuedRuns: number;
            requests: {
                [key: string]: number;
            };
            videos: number;
        };
        StepSummary: {
            attempts: number;
            endedAt: number | null;
            materializations: number;
            startedAt: number | null;
            /** @enum {string} */
            status: "RUNNING" | "SUCCESS" | "FAILURE" | "SKIPPED" | "RETRYING" | "CANCELED";
            stepKey: string;
        };
        SubmitResult: {
            alreadyIndexed?: string[];
            created?: number;
            rejected: {
                reason: string;
                url: string;
            }[];
            requests: components["schemas"]["YoutubeRequest"][];
        };
        Subscription: {
            backfill: number;
            chatId: number | null;
            checkCount: number;
            /** @description epoch milliseconds */
            createdAt: number;
            digestSentAt: number | null;
            /** @description entries by status */
            entries: {
                [key: string]: number;
            };
            errorCount: number;
            etag: string | null;
            /** @description what a check fetches */
            feedUrl: string;
            filters: components["schemas"]["SubscriptionFilters"];
            id: number;
            initialized: boolean;
            /** @enum {string} */
            kind: "channel" | "playlist" | "feed";
            lastCheckedAt: number | null;
            /** @description why the last check failed; cleared by a good one */
            lastError: string | null;
            /** @description entries queued by the last check */
            lastFound: number;
            lastModified: string | null;
            /** @description epoch milliseconds */
            nextCheckAt: number;
            notice: string | null;
            /** @enum {string} */
            notify: "instant" | "digest" | "off";
            /** @enum {string} */
            status: "active" | "paused";
            title: string | null;
            /** @description epoch milliseconds */
            updatedAt: number;
            url: string;
            userId: number | null;
            /** @description entries queued for indexing so far */
            videosFound: number;
        };
        SubscriptionEntry: {
            /** @description epoch milliseconds */
            createdAt: number;
            durationSeconds: number | null;
            entryKey: string;
            indexedAt: number | null;
            notifiedAt: number | null;
            priority: number;
            publishedAt: number | null;
            /** @description why it was skipped or failed */
            reason: string | null;
            requestId: number | null;
            /** @enum {string} */
            status: "backlog" | "queued" | "skipped" | "seen" | "indexed" | "failed";
            subscriptionId: number;
            title: string | null;
            url: string;
            videoId: string | null;
        };
        SubscriptionFilters: {
            /** @description case-insensitive regex the title must not match */
            exclude?: string;
            /** @description case-insensitive regex the title must match */
            include?: string;
            maxDurationSeconds?: number;
            minDurationSeconds?: number;
            noLive?: boolean;
            noShorts?: boolean;
        };
        Tick: {
            cursor: string | null;
            durationMs: number | null;
            error: components["schemas"]["SerializedError"] | null;
            id: number;
            /** @enum {string} */
            kind: "sensor" | "schedule";
            name: string;
            runIds: string[];
            runKeys: string[];
            skipReason: string | null;
            /** @enum {string} */
            status: "STARTED" | "SUCCESS" | "SKIPPED" | "FAILURE";
            /** @description epoch milliseconds */
            timestamp: number;
        };
        Video: {
            channel: string | null;
            chunkCount: number;
            /** @description epoch milliseconds */
            createdAt: number;
            description?: string | null;
            durationSeconds: number | null;
            embeddingModel: string | null;
            language: string | null;
            source: string;
            /** @enum {string} */
            status: "downloaded" | "transcribed" | "indexed" | "failed";
            title: string;
            transcriptSource: string | null;
            /** @description epoch milliseconds */
            updatedAt: number;
            uploadDate: string | null;
            url: string;
            videoId: string;
        };
        VideoSummary: {
            chapters: {
                start: number;
                summary: string;
                title: string;
            }[];
            /** @description epoch milliseconds */
            createdAt: number;
            keyPoints: components["schemas"]["KeyPoint"][];
            /** @description how it was made, shown with it (an extractive summary says so) */
            label: string;
            /** @description 'llm:<model>' or 'extractive' */
            mode: string;
            summary: string;
            transcriptHash: string;
            /** @description epoch milliseconds */
            updatedAt: number;
            videoId: string;
        };
        YoutubeRequest: {
            attempts: number;
            chatId: number | null;
            /** @description epoch milliseconds */
            createdAt: number;
            error: string | null;
            errorPermanent: boolean;
            force: boolean;
            id: number;
            language: string;
            runId: string | null;
            source: string;
            /** @enum {string} */
            stage: "validating" | "downloading" | "transcribing" | "processing" | "embedding" | "done" | "failed";
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed";
            timings: {
                [key: string]: number;
            };
            /** @description epoch milliseconds */
            updatedAt: number;
            url: string;
            userId: number | null;
            videoId: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getApiAlerts: {
        parameters: {
            query?: {
                /** @description 1–1000 */
                limit?: number;
                /** @description open | acknowledged | resolved */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiAlertsResponse"];
                };
            };
        };
    };
    postApiAlertsIdAcknowledge: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alert id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    by?: string;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAlertsIdAcknowledgeResponse"];
                };
            };
        };
    };
    postApiAlertsIdResolve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Alert id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAlertsIdResolveResponse"];
                };
            };
        };
    };
    postApiAsk: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    channel?: string;
                    question: string;
                    topK?: number;
                    videoId?: string;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AskResult"];
                };
            };
        };
    };
    getApiAssetGraph: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiAssetGraphResponse"];
                };
            };
        };
    };
    getApiAssets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiAssetsResponse"];
                };
            };
        };
    };
    getApiAssetsKey: {
        parameters: {
            query?: {
                /** @description Older than this id */
                beforeId?: number;
                /** @description Page size (1–500) */
                limit?: number;
                /** @description Only this partition */
                partition?: string;
            };
            header?: never;
            path: {
                /** @description Asset key */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiAssetsKeyResponse"];
                };
            };
        };
    };
    postApiAssetsMaterialize: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    partitionKey?: string | null;
                    selection: string[];
                    tags?: {
                        [key: string]: string;
                    };
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAssetsMaterializeResponse"];
                };
            };
        };
    };
    getApiAuthCheck: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiAuthCheckResponse"];
                };
            };
        };
    };
    getApiDaemon: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiDaemonResponse"];
                };
            };
        };
    };
    getApiEventsStream: {
        parameters: {
            query?: {
                /** @description Resume after this event id */
                afterId?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description text/event-stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
        };
    };
    postApiFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    comment?: string;
                    queryId: number;
                    rating: 1 | -1;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSubscriptionsIdRemoveResponse"];
                };
            };
        };
    };
    getApiJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiJobsResponse"];
                };
            };
        };
    };
    postApiJobsNameLaunch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    partitionKey?: string | null;
                    priority?: number;
                    runConfig?: {
                        [key: string]: unknown;
                    };
                    runConfigYaml?: string;
                    tags?: {
                        [key: string]: string;
                    };
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAssetsMaterializeResponse"];
                };
            };
        };
    };
    postApiJobsNameValidate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Job name */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    runConfig?: {
                        [key: string]: unknown;
                    };
                    runConfigYaml?: string;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiJobsNameValidateResponse"];
                };
            };
        };
    };
    postApiLibraryImport: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    file: string;
                    language?: string;
                    title?: string;
                    videoId?: string;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryRequestsIdResponse"];
                };
            };
        };
    };
    getApiLibraryRequests: {
        parameters: {
            query?: {
                /** @description 1–1000 */
                limit?: number;
                /** @description pending | processing | completed | failed */
                status?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryRequestsResponse"];
                };
            };
        };
    };
    postApiLibraryRequests: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    force?: boolean;
                    language?: string;
                    urls: string[];
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitResult"];
                };
            };
        };
    };
    getApiLibraryRequestsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Request id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryRequestsIdResponse"];
                };
            };
        };
    };
    postApiLibraryRequestsIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Request id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryRequestsIdResponse"];
                };
            };
        };
    };
    getApiLibraryVideos: {
        parameters: {
            query?: {
                /** @description Channel name */
                channel?: string;
                /** @description 1–1000 */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryVideosResponse"];
                };
            };
        };
    };
    getApiLibraryVideosVideoId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id */
                videoId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryVideosVideoIdResponse"];
                };
            };
        };
    };
    getApiLibraryVideosVideoIdTranscript: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Video id */
                videoId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiLibraryVideosVideoIdTranscriptResponse"];
                };
            };
        };
    };
    getApiMetricsHistory: {
        parameters: {
            query?: {
                /** @description 1–10000 */
                limit?: number;
                /** @description Epoch ms */
                since?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiMetricsHistoryResponse"];
                };
            };
        };
    };
    getApiMetricsLatest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiMetricsLatestResponse"];
                };
            };
        };
    };
    getApiOpenapiJson: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiOpenapiJsonResponse"];
                };
            };
        };
    };
    getApiOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiOverviewResponse"];
                };
            };
        };
    };
    getApiRuns: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description Job name */
                job?: string;
                /** @description Page size (1–500) */
                limit?: number;
                /** @description Created after (epoch ms) */
                since?: number;
                /** @description Comma-separated statuses */
                status?: string;
                /** @description key:value[,key:value] */
                tag?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiRunsResponse"];
                };
            };
        };
    };
    getApiRunsRunId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiRunsRunIdResponse"];
                };
            };
        };
    };
    postApiRunsRunIdCancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAssetsMaterializeResponse"];
                };
            };
        };
    };
    getApiRunsRunIdEvents: {
        parameters: {
            query?: {
                /** @description Events after this id */
                afterId?: number;
                /** @description Comma-separated: debug,info,warn,error */
                level?: string;
                /** @description Page size (1–5000) */
                limit?: number;
                /** @description Case-insensitive substring of the message */
                search?: string;
                /** @description Step key */
                step?: string;
                /** @description Comma-separated event types */
                type?: string;
            };
            header?: never;
            path: {
                /** @description Run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiRunsRunIdEventsResponse"];
                };
            };
        };
    };
    postApiRunsRunIdReexecute: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id */
                runId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    fromFailure?: boolean;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAssetsMaterializeResponse"];
                };
            };
        };
    };
    getApiRunsCounts: {
        parameters: {
            query?: {
                /** @description Epoch ms */
                since?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiRunsCountsResponse"];
                };
            };
        };
    };
    getApiRunsJobs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiRunsJobsResponse"];
                };
            };
        };
    };
    getApiSchedules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSchedulesResponse"];
                };
            };
        };
    };
    getApiSchedulesName: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description schedule name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSchedulesNameResponse"];
                };
            };
        };
    };
    postApiSchedulesNameEvaluate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description schedule name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiAssetsMaterializeResponse"];
                };
            };
        };
    };
    postApiSchedulesNameStart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description schedule name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSchedulesNameResponse"];
                };
            };
        };
    };
    postApiSchedulesNameStop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description schedule name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSchedulesNameResponse"];
                };
            };
        };
    };
    getApiSchedulesNameTicks: {
        parameters: {
            query?: {
                /** @description 1–500 */
                limit?: number;
                /** @description Comma-separated tick statuses */
                status?: string;
            };
            header?: never;
            path: {
                /** @description schedule name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSchedulesNameTicksResponse"];
                };
            };
        };
    };
    getApiSensors: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSensorsResponse"];
                };
            };
        };
    };
    getApiSensorsName: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description sensor name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSensorsNameResponse"];
                };
            };
        };
    };
    postApiSensorsNameEvaluate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description sensor name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSensorsNameEvaluateResponse"];
                };
            };
        };
    };
    postApiSensorsNameStart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description sensor name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSensorsNameResponse"];
                };
            };
        };
    };
    postApiSensorsNameStop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description sensor name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSensorsNameResponse"];
                };
            };
        };
    };
    getApiSensorsNameTicks: {
        parameters: {
            query?: {
                /** @description 1–500 */
                limit?: number;
                /** @description Comma-separated tick statuses */
                status?: string;
            };
            header?: never;
            path: {
                /** @description sensor name */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSensorsNameTicksResponse"];
                };
            };
        };
    };
    getApiStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
        };
    };
    getApiSubscriptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSubscriptionsResponse"];
                };
            };
        };
    };
    postApiSubscriptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    backfill?: number;
                    exclude?: string;
                    include?: string;
                    maxDurationSeconds?: number;
                    minDurationSeconds?: number;
                    noLive?: boolean;
                    noShorts?: boolean;
                    /** @enum {string} */
                    notify?: "instant" | "digest" | "off";
                    url: string;
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSubscriptionsResponse"];
                };
            };
        };
    };
    getApiSubscriptionsId: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Subscription id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GetApiSubscriptionsIdResponse"];
                };
            };
        };
    };
    postApiSubscriptionsIdCheck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Subscription id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSubscriptionsResponse"];
                };
            };
        };
    };
    postApiSubscriptionsIdRemove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Subscription id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSubscriptionsIdRemoveResponse"];
                };
            };
        };
    };
    postApiSubscriptionsIdUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Subscription id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    notify?: "instant" | "digest" | "off";
                    /** @enum {string} */
                    status?: "active" | "paused";
                };
            };
        };
        responses: {
            /** @description Bad input; the message says what to fix */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostApiSubscriptionsResponse"];
                };
            };
        };
    };
}
