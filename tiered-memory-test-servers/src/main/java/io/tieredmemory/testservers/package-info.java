/**
 * Not published (see this module's README.md): where this repository's tests find the real servers
 * {@code scripts/test.sh} starts. Depend on it in {@code test} scope only.
 */
package io.tieredmemory.testservers;
