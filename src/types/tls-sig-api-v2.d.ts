/**
 * Types for `tls-sig-api-v2` 1.0.2, which ships none. It is CommonJS (`exports.Api = Api`), so
 * `export =` describes it exactly; ESM code imports it as a default import:
 * `import TLSSigAPIv2 from 'tls-sig-api-v2'; new TLSSigAPIv2.Api(sdkAppId, key)`.
 */
declare module 'tls-sig-api-v2' {
  namespace TLSSigAPIv2 {
    class Api {
      /** `key` is used as a UTF-8 string (not hex-decoded) for HMAC-SHA256. */
      constructor(sdkappid: number, key: string);
      /** A UserSig valid for `expire` seconds from now (the package reads `Date.now()`). */
      genUserSig(userid: string, expire: number): string;
      /** `genUserSig` with an optional binary user buffer signed into the ticket. */
      genSig(userid: string, expire: number, userBuf: Buffer | null): string;
      /** A TRTC PrivateMapKey for a numeric room ID. */
      genPrivateMapKey(
        userid: string,
        expire: number,
        roomid: number,
        privilegeMap: number,
      ): string;
      /** A TRTC PrivateMapKey for a string room ID. */
      genPrivateMapKeyWithStringRoomID(
        userid: string,
        expire: number,
        roomstr: string,
        privilegeMap: number,
      ): string;
    }
  }
  export = TLSSigAPIv2;
}
