// Package opswalk holds one test: it walks every exported operation of
// every service client in the module and proves that each one passes
// through the request pipeline (region.World.Call), counted in
// region.PipelineStats.ByOperation. A service added to the module adds a
// row to the table in opswalk_test.go.
package opswalk
