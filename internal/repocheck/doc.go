// Package repocheck holds tests of the repository as a whole rather than
// of one package: today, that nothing in it refers to files a user who
// clones it does not have. It exports nothing.
package repocheck
