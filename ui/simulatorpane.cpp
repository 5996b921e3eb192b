#include "simulatorpane.h"

#include <algorithm>

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "engineclient.h"
#include "formatting.h"
#include "simulator.h"
#include "store/consolequeries.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SimulatorPane::SimulatorPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
    , m_traffic(new SimulatorTrafficModel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *box = new QGroupBox(tr("A handset"), this);
    auto *form = new QFormLayout(box);
    m_from = new QLineEdit(box);
    m_from->setPlaceholderText(tr("the handset's own number — a participant's identifier, e.g. +14155550100"));
    m_to = new QComboBox(box);
    m_to->setEditable(true);
    m_to->setInsertPolicy(QComboBox::NoInsert);
    m_to->setCurrentIndex(-1);
    m_to->lineEdit()->setPlaceholderText(tr("the proxy number it was given — the number decides the Service"));
    m_to->setAccessibleName(tr("To (proxy number)"));
    m_body = new QLineEdit(box);
    m_body->setPlaceholderText(tr("Hello from the simulator"));
    m_media = new QLineEdit(box);
    m_media->setPlaceholderText(tr("optional media URLs, separated by spaces (MMS)"));
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To (proxy number):"), m_to);
    form->addRow(tr("&Body:"), m_body);
    form->addRow(tr("&Media:"), m_media);
    auto *buttons = new QHBoxLayout;
    m_send = new QPushButton(tr("&Send SMS"), box);
    m_call = new QPushButton(tr("&Place call"), box);
    m_availability = new QLabel(box);
    m_availability->setWordWrap(true);
    buttons->addWidget(m_send);
    buttons->addWidget(m_call);
    buttons->addWidget(m_availability, 1);
    form->addRow(buttons);
    layout->addWidget(box);
    m_banner = new MessageBanner(this);
    layout->addWidget(m_banner);

    layout->addWidget(new QLabel(tr("What the simulator carrier saw (newest first):"), this));
    m_view = makeTable(this);
    m_view->setModel(m_traffic);
    m_view->setAccessibleName(tr("Simulated traffic"));
    m_view->setColumnWidth(SimulatorTrafficModel::TimeColumn, 140);
    m_view->setColumnWidth(SimulatorTrafficModel::DirectionColumn, 150);
    m_view->setColumnWidth(SimulatorTrafficModel::KindColumn, 60);
    m_view->setColumnWidth(SimulatorTrafficModel::FromColumn, 130);
    m_view->setColumnWidth(SimulatorTrafficModel::ToColumn, 130);
    m_view->setColumnWidth(SimulatorTrafficModel::ContentColumn, 260);
    layout->addWidget(m_view, 1);

    connect(m_send, &QPushButton::clicked, this, &SimulatorPane::sendSms);
    connect(m_body, &QLineEdit::returnPressed, this, &SimulatorPane::sendSms);
    connect(m_call, &QPushButton::clicked, this, &SimulatorPane::placeCall);
    if (m_ctx.simulator) {
        connect(m_ctx.simulator, &SimulatorBackend::trafficRecorded, m_traffic, &SimulatorTrafficModel::append);
        connect(m_ctx.simulator, &SimulatorBackend::availabilityChanged, this, &SimulatorPane::updateAvailability);
    }
    if (m_ctx.engine) {
        connect(m_ctx.engine, &EngineClient::started, this, &SimulatorPane::reloadNumbers);
    }
    reloadNumbers();
    updateAvailability();
}

void SimulatorPane::handleChanges(const QList<Change> &changes)
{
    const bool relevant = std::any_of(changes.cbegin(), changes.cend(), [](const Change &c) {
        return c.kind == Change::Kind::PhoneNumber || c.kind == Change::Kind::Service;
    });
    if (relevant && !m_reloadScheduled) {
        m_reloadScheduled = true;
        QTimer::singleShot(250, this, [this]() {
            m_reloadScheduled = false;
            reloadNumbers();
        });
    }
}

void SimulatorPane::reloadNumbers()
{
    if (!m_ctx.reader || !m_ctx.engine || m_ctx.engine->accountSid().isEmpty()) {
        return;
    }
    if (m_numbersTicket) {
        m_numbersTicket->cancel();
    }
    using ConsoleQueries::PoolNumber;
    constexpr int MAX_NUMBERS = 2000; // a pick list, not the Numbers pane: beyond this, type the number
    m_numbersTicket = m_ctx.reader->read(
        this,
        [account = m_ctx.engine->accountSid()](const QSqlDatabase &db) {
            return ConsoleQueries::poolNumbers(db, account, MAX_NUMBERS);
        },
        [this](Result<QList<PoolNumber>> numbers) {
            m_numbersTicket.reset();
            if (!numbers) {
                return;
            }
            const QString typed = m_to->currentText();
            const QString chosen = toNumber();
            m_to->clear();
            for (const PoolNumber &n : *numbers) {
                const QString name = n.friendlyName.isEmpty() || n.friendlyName == n.number
                                         ? n.service
                                         : u"%1, %2"_s.arg(n.service, n.friendlyName);
                m_to->addItem(u"%1 — %2"_s.arg(n.number, name), n.number);
            }
            const int again = chosen.isEmpty() ? -1 : m_to->findData(chosen);
            m_to->setCurrentIndex(again);
            if (again < 0) {
                m_to->setEditText(typed);
            }
        });
}

QString SimulatorPane::toNumber() const
{
    const int i = m_to->currentIndex();
    if (i >= 0 && m_to->itemText(i) == m_to->currentText()) {
        return m_to->itemData(i).toString();
    }
    return Format::compactNumber(m_to->currentText());
}

void SimulatorPane::updateAvailability()
{
    const bool available = m_ctx.simulator && m_ctx.simulator->isAvailable();
    if (available) {
        m_availability->setText(tr("Sends go through the engine's routing, exactly like a carrier webhook."));
        m_availability->setStyleSheet(QString());
    } else {
        m_availability->setText(m_ctx.simulator ? m_ctx.simulator->unavailableReason()
                                                : tr("No simulator carrier in this build."));
        m_availability->setStyleSheet(u"color: #b26a00"_s);
    }
}

void SimulatorPane::sendSms()
{
    SimulatedTraffic attempt;
    attempt.direction = SimulatedTraffic::Direction::Inbound;
    attempt.kind = SimulatedTraffic::Kind::Sms;
    attempt.from = Format::compactNumber(m_from->text());
    attempt.to = toNumber();
    attempt.body = m_body->text();
    attempt.media = m_media->text().split(u' ', Qt::SkipEmptyParts);
    attempt.time = QDateTime::currentDateTimeUtc();
    if (attempt.from.isEmpty() || attempt.to.isEmpty()) {
        m_banner->showError(tr("Give the handset's number (From) and the proxy number it texts (To)."));
        return;
    }
    if (!m_ctx.simulator) {
        return;
    }
    m_banner->clearMessage();
    m_ctx.simulator->sendSms(attempt.from, attempt.to, attempt.body, attempt.media, this,
                             [this, attempt](Result<SimulatedTraffic> r) {
                                 if (!r) {
                                     handleResult(attempt, EngineClient::describe(r.error()), true);
                                     return;
                                 }
                                 handleResult(*r, r->status, false);
                             });
}

void SimulatorPane::placeCall()
{
    SimulatedTraffic attempt;
    attempt.direction = SimulatedTraffic::Direction::Inbound;
    attempt.kind = SimulatedTraffic::Kind::Call;
    attempt.from = Format::compactNumber(m_from->text());
    attempt.to = toNumber();
    attempt.time = QDateTime::currentDateTimeUtc();
    if (attempt.from.isEmpty() || attempt.to.isEmpty()) {
        m_banner->showError(tr("Give the handset's number (From) and the proxy number it calls (To)."));
        return;
    }
    if (!m_ctx.simulator) {
        return;
    }
    m_banner->clearMessage();
    m_ctx.simulator->placeCall(attempt.from, attempt.to, this, [this, attempt](Result<SimulatedTraffic> r) {
        if (!r) {
            handleResult(attempt, EngineClient::describe(r.error()), true);
            return;
        }
        handleResult(*r, r->status, false);
    });
}

void SimulatorPane::handleResult(const SimulatedTraffic &attempt, const QString &outcome, bool failed)
{
    SimulatedTraffic row = attempt;
    row.status = failed ? tr("refused: %1").arg(outcome) : outcome;
    m_traffic->append(row);
    const QString what = attempt.kind == SimulatedTraffic::Kind::Sms ? tr("SMS") : tr("Call");
    if (failed || outcome.startsWith(u"failed"_s)) {
        m_banner->showError(tr("%1 from %2 to %3 was not routed — %4").arg(what, attempt.from, attempt.to, outcome));
    } else if (outcome.startsWith(u"dropped"_s) || outcome.startsWith(u"duplicate"_s)) {
        // Routing worked as designed, but nothing reached the other side: never in the green "done" colour.
        m_banner->showWarning(
            tr("%1 from %2 to %3 was not forwarded — %4").arg(what, attempt.from, attempt.to, outcome));
    } else {
        m_banner->showInfo(tr("%1 from %2 to %3: %4").arg(what, attempt.from, attempt.to, outcome));
    }
}

void SimulatorPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"simulator"_s, m_view);
    settings.setValue(u"simulator/from"_s, m_from->text());
}

void SimulatorPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"simulator"_s, m_view);
    m_from->setText(settings.value(u"simulator/from"_s).toString());
}

} // namespace Maskline
