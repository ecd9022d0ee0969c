// Package s3 is reserved for the simulated Amazon S3 service: buckets,
// objects, listing, ranges, multipart uploads, replicas across at least
// three AZs with repair, durability and availability as outcomes of the
// model, request-rate throttling (SlowDown) and latency.
//
// It is not implemented yet: no issue has been taken for it. The package
// exists so that the planned top-level layout is in place; it exports
// nothing.
package s3
