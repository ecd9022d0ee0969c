package main

import "math"

// Markov model of one replica group (Gibson's RAID model, as in
// Greenan, Plank and Wylie, "Mean time to meaningless: MTTDL, Markov
// models, and storage system reliability", HotStorage 2010): n replicas
// on nodes that fail independently at rate lambda; each lost replica is
// rebuilt independently after an exponential time of rate mu (repairs in
// parallel); the group is lost when its last replica fails first.

// mttdl returns the expected time to data loss of a group that starts
// with all n replicas, in the units of 1/lambda. It solves the
// birth-death chain's first-passage equations:
//
//	T_k = 1/(k lambda + (n-k) mu) + (k lambda T_{k-1} + (n-k) mu T_{k+1}) / (k lambda + (n-k) mu)
//
// with T_0 = 0, by writing T_k = a_k + b_k T_{k+1} from k = 1 up.
func mttdl(n int, lambda, mu float64) float64 {
	a, b := 0.0, 0.0 // T_0 = a + b T_1 with a = b = 0
	for k := 1; k <= n; k++ {
		kl, rm := float64(k)*lambda, float64(n-k)*mu
		out := kl + rm
		// T_k = 1/out + kl/out (a + b T_k) + rm/out T_{k+1}
		den := 1 - kl*b/out
		a, b = (1/out+kl*a/out)/den, (rm/out)/den
	}
	return a // at k = n there is no T_{n+1}: b = 0
}

// lossFromDegraded is the probability that a group with n-1 live
// replicas (one being rebuilt) is lost before it is whole again: what
// each group risks when a whole zone's nodes fail at once.
func lossFromDegraded(n int, lambda, mu float64) float64 {
	// q_k: probability of absorption at 0 before reaching n, from k live.
	// q_k = (k lambda q_{k-1} + (n-k) mu q_{k+1}) / (k lambda + (n-k) mu),
	// q_0 = 1, q_n = 0; write q_k = c_k + d_k q_{k+1}.
	cs := make([]float64, n)
	ds := make([]float64, n)
	cs[0] = 1
	for k := 1; k < n; k++ {
		kl, rm := float64(k)*lambda, float64(n-k)*mu
		out := kl + rm
		den := 1 - kl*ds[k-1]/out
		cs[k], ds[k] = kl*cs[k-1]/out/den, rm/out/den
	}
	return cs[n-1] // q_{n-1} = c + d q_n, q_n = 0
}

// annualLoss is the probability that one object is lost in a year, for
// a group MTTDL in years: 1 - exp(-1/MTTDL).
func annualLoss(mttdlYears float64) float64 { return -math.Expm1(-1 / mttdlYears) }

// nines is the number of nines of an annual durability 1-p.
func nines(p float64) float64 { return -math.Log10(p) }
