// Original file: matching-host/proto/matching_host.proto


export interface HealthRequest {
}

export interface HealthRequest__Output {
}
