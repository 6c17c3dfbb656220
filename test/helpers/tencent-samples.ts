/** The bodies of Tencent's documentation (seeds/ and reference/tencent-chat.md §2). */
export const samples = {
  c2c: {
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: 'jared',
    To_Account: 'Jonh',
    MsgKey: '48374_2837546_1557481126',
    UnreadMsgNum: 7,
  },
  c2cNewer: {
    CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
    From_Account: 'jared',
    To_Account: 'Jonh',
    MsgKey: '48374_2837546_1557481126',
    EventTime: 1670574414123,
  },
  group: {
    CallbackCommand: 'Group.CallbackAfterRecallMsg',
    Operator_Account: 'admin',
    Type: 'Community',
    GroupId: '1213456',
    MsgSeqList: [{ MsgSeq: 130, MsgId: '144115213033478435-1739361321-2512805311' }],
    TopicId: '@TGS#_@TGS#cQVLVHIM62CJ@TOPIC#_TestTopic',
    EventTime: '1670574414123',
  },
  groupOld: {
    CallbackCommand: 'Group.CallbackAfterRecallMsg',
    Operator_Account: 'admin',
    Type: 'Public',
    GroupId: '@TGS#2J4SZEAEL',
    MsgSeqList: [{ MsgSeq: 130 }],
  },
  official: {
    CallbackCommand: 'OfficialAccount.CallbackAfterMsgWithDraw',
    Official_Account: '#TOA#_123',
    WithdrawMsgList: [{ MsgKey: '71_1_1698741698' }],
    EventTime: 1670574414123,
  },
  officialSend: {
    CallbackCommand: 'OfficialAccount.CallbackAfterSendMsg',
    Official_Account: '@TOA#_2J4SZEAEL',
    MsgKey: '71_1_1698741698',
    MsgTime: 1698741698,
    OnlineOnlyFlag: 0,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Maintenance tonight at 22:00' } }],
    CloudCustomData: '',
    EventTime: 1698741698123,
  },
} as const;
