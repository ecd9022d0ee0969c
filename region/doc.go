// Package region is the provider side of the simulated cloud: partitions,
// regions and availability zones (with per-account zone names), physical
// hosts with hypervisor slot packing, the network between places, and the
// request pipeline every service's API call takes.
//
// # Usage
//
//	env := sim.New(1)
//	w := region.MustNewWorld(env, region.Options{})
//	slot, err := w.Place("use1-az1", "m5.large", region.PlaceOptions{})
//	if errors.Is(err, region.ErrInsufficientInstanceCapacity) { ... }
//	info, _ := w.SlotInfo(slot)          // which host, which zone
//	name, _ := w.AZName("111122223333", "use1-az1") // "us-east-1c", say
//	from, _ := w.AtSlot(slot)
//	d, _ := w.Latency(from, region.InRegion("eu-west-1"))
//
// # Places
//
// Partition -> region -> zone -> host. Zones are named by zone ID
// (use1-az1); each account sees them under names (us-east-1a ...) drawn
// by a seeded shuffle per (account, region), so two accounts' us-east-1a
// may be different zones, as on AWS. Resources are global, regional or
// zonal (Scope); RequireSameAZ enforces per-zone rules.
//
// # Hosts and slot packing
//
// Each zone holds pools of hosts per host type, with the capacities of the
// Dedicated Host tables (REFERENCE.md 1.2-1.3). Place puts an instance on
// one host by a Policy: best fit (default) through a B-tree index of free
// capacity, O(log hosts); first fit; worst fit; and placement groups
// (cluster, spread, partition). When no single host fits, Place fails with
// InsufficientInstanceCapacity even if the zone's summed free capacity
// would suffice.
package region
