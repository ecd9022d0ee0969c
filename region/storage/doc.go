// Package storage is the region-level storage substrate: storage nodes in
// the zones of one region, each with a capacity, a lifetime drawn from a
// failure.Distribution and a finite repair bandwidth, and replica groups
// that place copies of data on nodes in distinct zones (or in one zone).
//
// Services do not store bytes here; they store accounting. s3 assigns each
// object version to a group, adds its size to the group, and asks the
// group whether a readable replica exists. When a node fails, every group
// with a replica on it loses that replica and re-replicates it onto
// another live node of the same zone at the failed node's repair
// bandwidth. A group is lost only when its last replica fails before a
// repair completes; the Pool then bumps the group's epoch, counts the
// objects it held as lost and tells its OnLoss observers. Durability is
// therefore an outcome of failures racing repair, not a figure typed in.
// EBS volume replicas (several nodes inside one zone) fit the same shape:
// a group with Zones = 1.
//
// # Usage
//
//	env := sim.New(1)
//	pool, _ := storage.New(env, storage.Options{
//		Name:  "s3/us-east-1",
//		Zones: []string{"use1-az1", "use1-az2", "use1-az4"},
//		NodeLifetime: failure.Exponential{Rate: 1.0 / (50 * 8760)}, // hours
//	})
//	g := pool.NewGroup(3)        // one replica in each of three zones
//	pool.Add(g, 1<<20, 1)        // 1 MiB, one object
//	ok := pool.Readable(g)       // a replica is up in a zone that is up
//	pool.OnLoss(func(l storage.Loss) { ... })
//
// # Assumptions
//
// Node lifetimes are independent draws of NodeLifetime (hours); a failed
// node is replaced by an empty one after ReplaceAfter. A lost replica is
// rebuilt from a surviving one: the failed node's groups are rebuilt one
// after another at RepairBandwidth (so a node holding more data takes
// longer to recover), after DetectDelay. With RepairExponential the
// rebuild time of each group is instead exponential with the same mean,
// the repair model of the Markov MTTDL formulas. Zone outages make
// replicas unreachable, not lost.
//
// # Randomness
//
// Streams: "<Name>/storage/lifetime/<zone>", "<Name>/storage/placement",
// "<Name>/storage/repair".
package storage
