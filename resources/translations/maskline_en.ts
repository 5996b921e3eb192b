<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
    <context>
        <name>Maskline::DebuggerPane</name>
        <message numerus="yes">
            <source>%n event(s)</source>
            <translation>
                <numerusform>%n event</numerusform>
                <numerusform>%n events</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n event(s) match the filters</source>
            <translation>
                <numerusform>%n event matches the filters</numerusform>
                <numerusform>%n events match the filters</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::InteractionModel</name>
        <message numerus="yes">
            <source>%n file(s)</source>
            <translation>
                <numerusform>%n file</numerusform>
                <numerusform>%n files</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::MainWindow</name>
        <message numerus="yes">
            <source>%n service(s)</source>
            <translation>
                <numerusform>%n service</numerusform>
                <numerusform>%n services</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n number(s)</source>
            <translation>
                <numerusform>%n number</numerusform>
                <numerusform>%n numbers</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%1 active of %n session(s)</source>
            <translation>
                <numerusform>%1 active of %n session</numerusform>
                <numerusform>%1 active of %n sessions</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n error(s) in the last hour</source>
            <translation>
                <numerusform>%n error in the last hour</numerusform>
                <numerusform>%n errors in the last hour</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::NumberModel</name>
        <message numerus="yes">
            <source>%n active session(s) use this number; it cannot be removed until none do.</source>
            <translation>
                <numerusform>%n active session uses this number; it cannot be removed until none does.</numerusform>
                <numerusform>%n active sessions use this number; it cannot be removed until none do.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::NumbersPane</name>
        <message numerus="yes">
            <source>Stopped: %n not tried.</source>
            <translation>
                <numerusform>Stopped: %n not tried.</numerusform>
                <numerusform>Stopped: %n not tried.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::ServicesPane</name>
        <message numerus="yes">
            <source>%1 was changed elsewhere while you were editing it, in %n field(s) you changed too (marked). Save keeps the other changes; the marked fields need your decision.</source>
            <translation>
                <numerusform>%1 was changed elsewhere while you were editing it, in %n field you changed too (marked). Save keeps the other changes; the marked field needs your decision.</numerusform>
                <numerusform>%1 was changed elsewhere while you were editing it, in %n fields you changed too (marked). Save keeps the other changes; the marked fields need your decision.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>It ends %n active session(s): their participants stop reaching each other at once.</source>
            <translation>
                <numerusform>It ends %n active session: their participants stop reaching each other at once.</numerusform>
                <numerusform>It ends %n active sessions: their participants stop reaching each other at once.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>Maskline::SessionsPane</name>
        <message numerus="yes">
            <source>%n session(s) shown — scroll for more</source>
            <translation>
                <numerusform>%n session shown — scroll for more</numerusform>
                <numerusform>%n sessions shown — scroll for more</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n session(s)</source>
            <translation>
                <numerusform>%n session</numerusform>
                <numerusform>%n sessions</numerusform>
            </translation>
        </message>
    </context>
</TS>
