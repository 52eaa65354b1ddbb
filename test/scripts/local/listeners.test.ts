import { describe, expect, it } from "vitest";
import { decodeAddress, isLoopback, parseListeners } from "./listeners.js";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1111 1 0
   1: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2222 1 0
   2: 0100007F:EA8A 0100007F:1F40 06 00000000:00000000 03:000009B5 00000000     0        0 0 3 0`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0000000000000000FFFF00000100007F:A40F 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 3333 1 0
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0
   2: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5555 1 0`;

describe("listeners", () => {
  it("reads listening sockets with their addresses, ports and inodes, skipping connections", () => {
    expect(parseListeners(TCP)).toEqual([
      { address: "127.0.0.1", port: 8000, inode: "1111" },
      { address: "0.0.0.0", port: 3000, inode: "2222" },
    ]);
    expect(parseListeners(TCP6)).toEqual([
      { address: "::ffff:127.0.0.1", port: 41999, inode: "3333" },
      { address: "::1", port: 80, inode: "4444" },
      { address: "::", port: 8080, inode: "5555" },
    ]);
  });

  it("tells loopback from every other address", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.5", "::ffff:10.0.0.5"].some(isLoopback)).toBe(false);
    expect(decodeAddress("0500000A")).toBe("10.0.0.5");
  });
});
